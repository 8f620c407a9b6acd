package daemon

import (
	"errors"
	"fmt"
	"sort"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
)

// ErrNotServed is wrapped by a Kind's Open when the kind does not serve
// the type here (no script directory, no plugin binary, ...): the registry
// then tries the next kind.
var ErrNotServed = errors.New("not served by this kind")

// OpenContext is what a Kind needs to open a type's implementation.
type OpenContext struct {
	Env    *Env
	Runner *runner.Runner // the only process starter of the daemon
	Logger *zap.Logger    // the type's agent log (<Type>_A.log)
}

// Kind is one way of running a type's entry points: script directories
// today; plugin binaries, built-in Go agents and mixed types (ep.Mux) are
// further kinds.
type Kind struct {
	// Name identifies the kind ("script").
	Name string
	// Priority orders the kinds tried for a type: lower first; equal
	// priorities go by name.
	Priority int
	// Open returns the implementation of type t, or an error wrapping
	// ErrNotServed when this kind does not serve t.
	Open func(t *model.Type, c OpenContext) (ep.Implementation, error)
}

// Registry picks, for each type, how its entry points run. It is a value:
// the daemon and `vigil ep` each build one (DefaultRegistry), tests build
// their own.
type Registry struct {
	kinds map[string]Kind
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]Kind{}} }

// Register adds a kind. An empty or duplicate name, or a nil Open, is a
// programming error and panics.
func (r *Registry) Register(k Kind) {
	switch {
	case k.Name == "":
		panic("daemon: registering an implementation kind without a name")
	case k.Open == nil:
		panic(fmt.Sprintf("daemon: implementation kind %q has no Open", k.Name))
	}
	if _, dup := r.kinds[k.Name]; dup {
		panic(fmt.Sprintf("daemon: implementation kind %q registered twice", k.Name))
	}
	r.kinds[k.Name] = k
}

// Kinds lists the registered kinds, sorted by name.
func (r *Registry) Kinds() []string {
	out := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ordered returns the kinds in the order they are tried.
func (r *Registry) ordered() []Kind {
	out := make([]Kind, 0, len(r.kinds))
	for _, k := range r.kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Open returns the implementation of type t from the first kind that
// serves it, with that kind's name.
func (r *Registry) Open(t *model.Type, c OpenContext) (ep.Implementation, string, error) {
	var why []error
	for _, k := range r.ordered() {
		impl, err := k.Open(t, c)
		if err == nil {
			return impl, k.Name, nil
		}
		if !errors.Is(err, ErrNotServed) {
			return nil, k.Name, fmt.Errorf("type %q (%s): %w", t.Name, k.Name, err)
		}
		why = append(why, err)
	}
	if len(why) == 0 {
		return nil, "", fmt.Errorf("type %q: no implementation kind registered", t.Name)
	}
	return nil, "", fmt.Errorf("type %q: %w", t.Name, errors.Join(why...))
}

// DefaultRegistry returns a registry with every kind vigil ships.
func DefaultRegistry() *Registry { return DefaultRegistryWith(PluginOptions{}) }

// DefaultRegistryWith is DefaultRegistry with the plugin kind's options
// (`vigil agent --plugin-start-timeout`).
func DefaultRegistryWith(p PluginOptions) *Registry {
	r := NewRegistry()
	r.Register(PluginKind(p))
	r.Register(ScriptKind())
	r.Register(BuiltinKind())
	return r
}

// ScriptKind runs entry points as scripts of the type's agent directory
// (AgentDirectory, else <Type> in the search path), with the VCS calling
// convention. For a type with a built-in agent it declines the bundled
// directory <VCS_HOME>/bin/<Type> when only the search path found it: the
// bundled scripts are worked examples, the built-in is the default. A
// custom directory (<config>/agents/<Type>, /opt/VRTSvcs/bin/<Type>,
// /opt/VRTSagents/ha/bin/<Type>) or an explicit AgentDirectory, even one
// naming the bundled directory, still overrides the built-in.
func ScriptKind() Kind {
	return Kind{Name: "script", Priority: 100, Open: func(t *model.Type, c OpenContext) (ep.Implementation, error) {
		dir, err := runner.ResolveAgentDir(t, c.Env.Search)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotServed, err)
		}
		if bundledOnly(t, dir, c.Env) {
			return nil, fmt.Errorf("%w: type %q: only the bundled example %s was found; the built-in agent serves it",
				ErrNotServed, t.Name, dir)
		}
		return runner.NewScript(runner.ScriptOptions{TypeName: t.Name, AgentDir: dir, VCSHome: c.Env.VCSHome,
			Logger: c.Logger, Runner: c.Runner})
	}}
}
