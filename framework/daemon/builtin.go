package daemon

import (
	"fmt"
	"path/filepath"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/agents"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

// BuiltinPriority orders the builtin kind after every other kind: any
// script or plugin agent found for a standard type overrides it.
const BuiltinPriority = 1000

// BuiltinKind runs the standard types (plugins/agents) in the daemon's
// process, with no process per call.
func BuiltinKind() Kind {
	return Kind{Name: "builtin", Priority: BuiltinPriority, Open: func(t *model.Type, c OpenContext) (ep.Implementation, error) {
		a, ok := agents.New(t.Name, agents.Deps{Runner: c.Runner, Clock: clock.Real{}})
		if !ok {
			return nil, fmt.Errorf("%w: type %q has no built-in agent", ErrNotServed, t.Name)
		}
		c.Logger.Info("built-in agent: entry points run in the daemon's process")
		return inproc.New(a, inproc.Options{Type: t, Logger: c.Logger}), nil
	}}
}

// bundledOnly reports whether dir is the bundled <VCS_HOME>/bin/<Type> of
// a type with a built-in agent, found by the search path rather than named
// by AgentDirectory.
func bundledOnly(t *model.Type, dir string, env *Env) bool {
	if !agents.Has(t.Name) {
		return false
	}
	if v, _ := t.StaticValue("AgentDirectory"); v.Scalar != "" {
		return false
	}
	return filepath.Clean(dir) == filepath.Join(env.VCSHome, "bin", t.Name)
}
