package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// world is a fake set of resources shared by the fake agents of every type:
// Online/Offline flip the state asynchronously and record the call order.
type world struct {
	mu      sync.Mutex
	state   map[string]state.Resource
	calls   []string
	failOn  map[string]bool // resources whose online faults
	hang    map[string]bool // resources whose online or offline never completes
	notify  map[string]func(events.Event)
	types   map[string]string
	updates []string
	delay   time.Duration // before an online/offline completes (default 2 ms)
}

func newWorld() *world {
	return &world{state: map[string]state.Resource{}, failOn: map[string]bool{}, hang: map[string]bool{},
		notify: map[string]func(events.Event){}, types: map[string]string{}, delay: 2 * time.Millisecond}
}

func (w *world) set(name string, to state.Resource, cause string, kind events.Kind) {
	w.mu.Lock()
	from := w.state[name]
	w.state[name] = to
	n := w.notify[w.types[name]]
	tn := w.types[name]
	w.mu.Unlock()
	n(events.Event{Kind: events.KindState, Resource: name, Type: tn, From: from.String(), To: to.String(), Cause: cause})
	if kind != "" {
		n(events.Event{Kind: kind, Resource: name, Type: tn, Cause: cause})
	}
}

func (w *world) record(s string) {
	w.mu.Lock()
	w.calls = append(w.calls, s)
	w.mu.Unlock()
}

func (w *world) index(s string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, c := range w.calls {
		if c == s {
			return i
		}
	}
	return -1
}

// fakeAgent is a struct of function fields, filled by world.factory.
type fakeAgent struct {
	add, remove, online, offline, probe, clear, refresh func(string) error
	update                                              func(*model.Resource, []string) error
	status                                              func(string) (agent.Status, bool)
}

var _ Agent = (*fakeAgent)(nil)

func (f *fakeAgent) Add(r *model.Resource) error                { return f.add(r.Name) }
func (f *fakeAgent) Remove(n string) error                      { return f.remove(n) }
func (f *fakeAgent) Update(r *model.Resource, c []string) error { return f.update(r, c) }
func (f *fakeAgent) Online(n string) error                      { return f.online(n) }
func (f *fakeAgent) Offline(n string) error                     { return f.offline(n) }
func (f *fakeAgent) Probe(n string) error                       { return f.probe(n) }
func (f *fakeAgent) Clear(n string) error                       { return f.clear(n) }
func (f *fakeAgent) RefreshInfo(n string) error                 { return f.refresh(n) }
func (f *fakeAgent) Status(n string) (agent.Status, bool)       { return f.status(n) }
func (f *fakeAgent) Stop(context.Context) error                 { return nil }
func (f *fakeAgent) Action(context.Context, string, string, []string) (ep.Result, error) {
	return ep.Result{}, errors.New("no actions")
}

func (w *world) factory(t *model.Type, h AgentHooks) (Agent, error) {
	notify := h.Notify
	w.mu.Lock()
	w.notify[t.Name] = notify
	w.mu.Unlock()
	nop := func(string) error { return nil }
	return &fakeAgent{
		add: func(n string) error {
			w.mu.Lock()
			w.types[n] = t.Name
			if _, ok := w.state[n]; !ok {
				w.state[n] = state.Offline
			}
			st := w.state[n]
			w.mu.Unlock()
			// The probe result is the state set above; only its event is late.
			go notify(events.Event{Kind: events.KindState, Resource: n, Type: t.Name, To: st.String(), Cause: "probe"})
			return nil
		},
		remove: nop, probe: nop, refresh: nop,
		clear: func(n string) error { go w.set(n, state.Offline, "clear", ""); return nil },
		online: func(n string) error {
			w.record("online " + n)
			w.mu.Lock()
			fail, hang := w.failOn[n], w.hang[n]
			w.mu.Unlock()
			if hang {
				return nil
			}
			go func() {
				time.Sleep(w.delay)
				if fail {
					w.set(n, state.Faulted, "online", events.KindFault)
					return
				}
				w.set(n, state.Online, "online", "")
			}()
			return nil
		},
		offline: func(n string) error {
			w.record("offline " + n)
			w.mu.Lock()
			hang := w.hang[n]
			w.mu.Unlock()
			if hang {
				return nil
			}
			go func() { time.Sleep(w.delay); w.set(n, state.Offline, "offline", "") }()
			return nil
		},
		update: func(r *model.Resource, c []string) error {
			w.mu.Lock()
			w.updates = append(w.updates, r.Name+"."+c[0])
			w.mu.Unlock()
			return nil
		},
		status: func(n string) (agent.Status, bool) {
			w.mu.Lock()
			defer w.mu.Unlock()
			s, ok := w.state[n]
			return agent.Status{State: state.ResourceState{State: s}, Enabled: true, LastMonitor: time.Unix(1, 0)}, ok
		},
	}, nil
}

// builder assembles a model.Config by hand.
type builder struct{ cfg *model.Config }

func newBuilder() *builder {
	t := &model.Type{Name: "Proc", Attrs: map[string]*model.AttrDef{
		"Port":  {Name: "Port", Kind: model.Int, Dim: model.Scalar},
		"Names": {Name: "Names", Kind: model.Str, Dim: model.Vector},
	}, Order: []string{"Port", "Names"}, Statics: map[string]model.Value{}}
	return &builder{cfg: &model.Config{Systems: []string{"n1"}, SystemPos: map[string]syntax.Pos{"n1": {}},
		Types: map[string]*model.Type{"Proc": t}, Groups: map[string]*model.Group{}, Resources: map[string]*model.Resource{}}}
}

func (b *builder) group(name string, attrs map[string]model.Value, res ...string) *builder {
	if attrs == nil {
		attrs = map[string]model.Value{}
	}
	if _, ok := attrs["SystemList"]; !ok {
		attrs["SystemList"] = model.AssocValue(model.KV{Key: "n1", Value: "0"})
		attrs["AutoStartList"] = model.ListValue(model.Keylist, "n1")
	}
	g := &model.Group{Name: name, Attrs: attrs}
	for _, rn := range res {
		r := &model.Resource{Name: rn, Type: b.cfg.Types["Proc"], Group: g, Values: map[string]model.Value{}}
		g.Resources = append(g.Resources, r)
		b.cfg.Resources[rn] = r
	}
	b.cfg.Groups[name] = g
	return b
}

func (b *builder) requires(parent string, children ...string) *builder {
	p := b.cfg.Resources[parent]
	for _, c := range children {
		p.Requires = append(p.Requires, b.cfg.Resources[c])
	}
	return b
}

func (b *builder) set(res, attr, v string) *builder {
	b.cfg.Resources[res].Values[attr] = model.ScalarValue(v)
	return b
}

func (b *builder) groupDep(parent, child, rig string) *builder {
	g := b.cfg.Groups[parent]
	g.Requires = append(g.Requires, model.GroupDep{Child: child, Category: "online", Location: "local", Rigidity: rig})
	return b
}

func start(t *testing.T, cfg *model.Config, w *world, dump func(*model.Config, string) error) *Engine {
	t.Helper()
	e, err := New(Options{Config: cfg, System: "n1", Clock: clock.NewFake(time.Unix(100, 0)),
		Bus: events.NewBus(1000, nil), NewAgent: w.factory, StateDir: t.TempDir(), Dump: dump})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Stop(context.Background()) })
	return e
}

// waitFor waits for cond, up to 30 s of wall time (generous: CI machines
// are busy; a condition that holds ends the wait at once).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func groupIs(e *Engine, g string, want state.Group) func() bool {
	return func() bool { v, _ := e.Group(g); return v.State == want.String() && len(v.Flags) == 0 }
}
