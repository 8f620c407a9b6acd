// Package phantom holds the built-in Phantom agent: always ONLINE, so that
// a group without OnOff resources reports a state.
package phantom

import (
	"context"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Agent is the Phantom agent.
type Agent struct{}

var _ sdk.Agent = Agent{}

// Monitor is always ONLINE.
func (Agent) Monitor(context.Context, *sdk.Resource) (sdk.State, int, error) {
	return sdk.Online, 100, nil
}
