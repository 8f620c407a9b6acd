// Command mixed is the plugin half of MixedFile, an agent of agenttype
// Mixed: the plugin implements monitor (no process per monitor), and the
// agent directory's scripts implement online and offline. Install the
// binary as <AgentDirectory>/MixedFileAgent next to agent/'s files.
package main

import (
	"context"
	"os"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

type agent struct{}

var _ sdk.Agent = agent{}

// Monitor is ONLINE while PathName exists.
func (agent) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	if _, err := os.Stat(r.Attrs.Str("PathName")); err == nil {
		return sdk.Online, 100, nil
	}
	return sdk.Offline, 0, nil
}

func main() { sdk.Serve(agent{}) }
