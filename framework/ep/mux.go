package ep

import (
	"context"
	"fmt"
)

// Mux composes implementations per entry point: a plugin for monitor,
// scripts for the rest, a built-in Go function for one more. Entry points
// not routed explicitly go to the fallback, when there is one.
type Mux struct {
	routes   map[Name]Implementation
	fallback Implementation
}

var _ Implementation = (*Mux)(nil)

// NewMux returns a Mux that sends unrouted entry points to fallback (which
// may be nil).
func NewMux(fallback Implementation) *Mux {
	return &Mux{routes: map[Name]Implementation{}, fallback: fallback}
}

// Route sends entry point n to impl, replacing any earlier route.
func (m *Mux) Route(n Name, impl Implementation) *Mux {
	m.routes[n] = impl
	return m
}

func (m *Mux) pick(n Name) Implementation {
	if impl, ok := m.routes[n]; ok {
		return impl
	}
	return m.fallback
}

// Has reports whether the implementation chosen for n implements it.
func (m *Mux) Has(n Name) bool {
	impl := m.pick(n)
	return impl != nil && impl.Has(n)
}

// Run runs the request on the implementation chosen for its entry point.
func (m *Mux) Run(ctx context.Context, req Request) Result {
	impl := m.pick(req.EP)
	if impl == nil || !impl.Has(req.EP) {
		return Result{Outcome: ExecError, Err: fmt.Errorf("entry point %q of type %q: not implemented", req.EP, req.Type)}
	}
	return impl.Run(ctx, req)
}
