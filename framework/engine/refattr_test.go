package engine

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// argvRecorder is an entry-point implementation that reports every
// resource online and remembers the last monitor argv of each.
type argvRecorder struct {
	mu   sync.Mutex
	last map[string]string
	runs int
}

func (a *argvRecorder) Has(n ep.Name) bool { return n == ep.Monitor }

func (a *argvRecorder) Run(_ context.Context, req ep.Request) ep.Result {
	a.mu.Lock()
	a.last[req.Resource] = strings.Join(req.Args, " ")
	a.runs++
	a.mu.Unlock()
	return ep.Result{Outcome: ep.Exited, ExitCode: 110}
}

func (a *argvRecorder) get(res string) (string, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last[res], a.runs
}

// TestRefAttrWhileModify changes an attribute of one resource over and over
// while the real agent of another resource, whose ArgList reaches it through
// a Ref:Attr entry, keeps monitoring. Under -race it fails if the agent
// reads a configuration the engine is writing; everywhere it checks that the
// agent's argv ends with the last value set.
func TestRefAttrWhileModify(t *testing.T) {
	typ := &model.Type{Name: "Peer", Attrs: map[string]*model.AttrDef{
		"Port": {Name: "Port", Kind: model.Int, Dim: model.Scalar, Default: model.ScalarValue("0")},
		"Peer": {Name: "Peer", Kind: model.Str, Dim: model.Scalar, Default: model.ScalarValue("")},
	}, Order: []string{"Port", "Peer"}, Statics: map[string]model.Value{
		"ArgList":         model.ListValue(model.Vector, "Port", "Peer:Port"),
		"MonitorInterval": model.ScalarValue("1"),
	}}
	g := &model.Group{Name: "g", Attrs: map[string]model.Value{}}
	db := &model.Resource{Name: "db", Type: typ, Group: g, Values: map[string]model.Value{"Port": model.ScalarValue("1")}}
	app := &model.Resource{Name: "app", Type: typ, Group: g, Values: map[string]model.Value{"Peer": model.ScalarValue("db")}}
	g.Resources = []*model.Resource{db, app}
	cfg := &model.Config{Types: map[string]*model.Type{"Peer": typ}, Groups: map[string]*model.Group{"g": g},
		Resources: map[string]*model.Resource{"db": db, "app": app}}

	rec := &argvRecorder{last: map[string]string{}}
	factory := func(t *model.Type, h AgentHooks) (Agent, error) {
		a, err := agent.New(agent.Options{Type: t, Impl: rec, Clock: clock.Real{}, Notify: h.Notify,
			Snapshot: h.Snapshot, TimeUnit: time.Millisecond})
		if err != nil {
			return nil, err
		}
		a.Start()
		return a, nil
	}
	e, err := New(Options{Config: cfg, System: "n1", Bus: events.NewBus(1000, nil), NewAgent: factory,
		Dump: func(*model.Config, string) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())

	values := []string{"2", "3", "4", "5"}
	for i := 0; i < 200; i++ {
		if err := e.Modify("db", "Port", []string{values[i%len(values)]}); err != nil {
			t.Fatal(err)
		}
		if i%20 == 0 { // let monitors run in between
			_, runs := rec.get("app")
			waitFor(t, "a monitor", func() bool { _, n := rec.get("app"); return n > runs+2 })
		}
	}
	final := "Peer:Port 1 " + values[199%len(values)]
	waitFor(t, "argv with the last value", func() bool {
		got, _ := rec.get("app")
		return strings.Contains(got, final)
	})
}
