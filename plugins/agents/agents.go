package agents

import (
	"sort"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents/application"
	"github.com/vigil-ha/vigil/plugins/agents/file"
	"github.com/vigil-ha/vigil/plugins/agents/mount"
	"github.com/vigil-ha/vigil/plugins/agents/phantom"
	"github.com/vigil-ha/vigil/plugins/agents/process"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Deps is what a built-in agent may use of the daemon.
type Deps struct {
	// Runner starts the processes an agent needs (Application's programs,
	// mount, the Process agent's program): the daemon's one process starter.
	Runner *runner.Runner
	Clock  clock.Clock
}

// factories maps each standard type to its agent's constructor.
var factories = map[string]func(Deps) sdk.Agent{
	"Application": func(d Deps) sdk.Agent { return application.New(d.Runner, d.Clock) },
	"ElifNone":    func(Deps) sdk.Agent { return file.ElifNone{} },
	"FileNone":    func(Deps) sdk.Agent { return file.None{} },
	"FileOnOff":   func(Deps) sdk.Agent { return file.OnOff{} },
	"FileOnOnly":  func(Deps) sdk.Agent { return file.OnOnly{} },
	"Mount":       func(d Deps) sdk.Agent { return mount.New(d.Runner) },
	"Phantom":     func(Deps) sdk.Agent { return phantom.Agent{} },
	"Process":     func(d Deps) sdk.Agent { return process.New(d.Runner, d.Clock) },
}

// Has reports whether typeName has a built-in agent.
func Has(typeName string) bool {
	_, ok := factories[typeName]
	return ok
}

// New returns a new built-in agent for typeName, or false when there is
// none.
func New(typeName string, d Deps) (sdk.Agent, bool) {
	f, ok := factories[typeName]
	if !ok {
		return nil, false
	}
	return f(d), true
}

// Types lists the types with a built-in agent, sorted.
func Types() []string {
	out := make([]string, 0, len(factories))
	for t := range factories {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
