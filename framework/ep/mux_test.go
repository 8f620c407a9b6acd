package ep

import (
	"context"
	"testing"
)

// fakeImpl is an Implementation made of function fields.
type fakeImpl struct {
	has func(Name) bool
	run func(context.Context, Request) Result
}

func (f fakeImpl) Has(n Name) bool                           { return f.has(n) }
func (f fakeImpl) Run(ctx context.Context, r Request) Result { return f.run(ctx, r) }

func TestMux(t *testing.T) {
	scripts := fakeImpl{
		has: func(n Name) bool { return n != Info },
		run: func(context.Context, Request) Result { return Result{ExitCode: 1} },
	}
	plugin := fakeImpl{
		has: func(n Name) bool { return n == Monitor },
		run: func(context.Context, Request) Result { return Result{ExitCode: 110} },
	}
	m := NewMux(scripts).Route(Monitor, plugin).Route(Info, plugin)
	cases := []struct {
		name    string
		ep      Name
		has     bool
		code    int
		outcome Outcome
	}{
		{"routed to plugin", Monitor, true, 110, Exited},
		{"fallback to scripts", Online, true, 1, Exited},
		{"routed but not implemented", Info, false, 0, ExecError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := m.Has(c.ep); got != c.has {
				t.Errorf("Has(%s) = %v, want %v", c.ep, got, c.has)
			}
			r := m.Run(context.Background(), Request{EP: c.ep, Type: "T"})
			if r.Outcome != c.outcome || r.ExitCode != c.code {
				t.Errorf("Run(%s) = %v/%d, want %v/%d", c.ep, r.Outcome, r.ExitCode, c.outcome, c.code)
			}
		})
	}
	if NewMux(nil).Has(Monitor) {
		t.Error("empty mux claims monitor")
	}
}
