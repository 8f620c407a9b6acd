package sdk

import (
	"context"
	"errors"
)

// IMF is intelligent monitoring for an agent that learns of its resources'
// state changes itself instead of being polled (a Go agent's equivalent of
// a script agent's imf_register and imf_getnotification, design.md §3).
// The framework calls IMFRegister once a resource is steady in a state its
// IMF Mode covers (on = true; online says which state) and again with on =
// false when it unregisters it (a state change seen by a monitor, a Mode
// or ArgList change, the resource's removal); it runs IMFNotifications
// once per agent, for as long as the agent runs, and restarts it (after a
// monitor of every registered resource) if it returns. A notification only
// schedules a monitor of that resource at once: the monitor decides the
// state. An agent with an amfregister.xml in its agent directory gets IMF
// from the framework's event plugins instead, and need not implement this.
type IMF interface {
	// IMFRegister starts (on) or stops watching r in the given state
	// (online or offline). An error leaves r polled; registration is
	// retried up to the type's RegisterRetryLimit.
	IMFRegister(ctx context.Context, r *Resource, on bool, online bool) error
	// IMFNotifications calls notify with the name of each registered
	// resource whose state may have changed, until ctx ends. An error
	// wrapping ErrIMFUnavailable turns IMF off for the type until the
	// agent restarts (its resources are polled); any other return is
	// restarted with backoff.
	IMFNotifications(ctx context.Context, notify func(resource string)) error
}

// ErrIMFUnavailable, wrapped by IMFNotifications' error, says IMF cannot
// work for the type here (no kernel support, no permission).
var ErrIMFUnavailable = errors.New("IMF unavailable")
