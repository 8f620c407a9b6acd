package sdk

import "context"

// IMF is intelligent monitoring for an agent that learns of state changes
// itself instead of being polled. It is declared here so that agents and
// the framework agree on its place; the IMF work fills in its calls, and
// the framework does not call it yet.
type IMF interface {
	// IMFRegister starts (on) or stops watching r in the given state.
	IMFRegister(ctx context.Context, r *Resource, on bool, online bool) error
	// IMFNotifications delivers the names of resources whose state
	// changed, until ctx ends.
	IMFNotifications(ctx context.Context, notify func(resource string)) error
}
