package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// fakePlacement is a Placement of function fields' worth: it records
// acquisitions and releases and answers owners from a map.
type fakePlacement struct {
	mu       sync.Mutex
	owners   map[string]string
	refuse   map[string]bool
	acquired []string
	released []string
}

func (p *fakePlacement) Acquire(_ context.Context, g string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refuse[g] {
		return errors.New("owned by n2")
	}
	p.acquired = append(p.acquired, g)
	p.owners[g] = "n1"
	return nil
}

func (p *fakePlacement) Released(g, cause string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.released = append(p.released, g+":"+cause)
	delete(p.owners, g)
}

func (p *fakePlacement) Owner(g string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.owners[g]
}

func (p *fakePlacement) log() ([]string, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.acquired...), append([]string(nil), p.released...)
}

func startPlaced(t *testing.T, cfg *model.Config, w *world, p Placement) *Engine {
	t.Helper()
	return startPlacedWith(t, cfg, w.factory, p)
}

func startPlacedWith(t *testing.T, cfg *model.Config, factory func(*model.Type, AgentHooks) (Agent, error), p Placement) *Engine {
	t.Helper()
	e, err := New(Options{Config: cfg, System: "n1", Clock: clock.NewFake(time.Unix(100, 0)),
		Bus: events.NewBus(1000, nil), NewAgent: factory, StateDir: t.TempDir(), Placement: p})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Stop(context.Background()) })
	return e
}

func TestPlacement(t *testing.T) {
	par := map[string]model.Value{"Parallel": model.ScalarValue("1")}
	b := newBuilder().group("fo", nil, "f1").group("par", par, "p1").group("glob", nil, "g1").group("rem", nil, "r1")
	b.cfg.Groups["glob"].Requires = []model.GroupDep{{Child: "fo", Category: "online", Location: "global", Rigidity: "firm"}}
	b.cfg.Groups["rem"].Requires = []model.GroupDep{{Child: "fo", Category: "online", Location: "remote", Rigidity: "firm"}}
	p := &fakePlacement{owners: map[string]string{}, refuse: map[string]bool{}}
	w := newWorld()
	e := startPlaced(t, b.cfg, w, p)
	ctx := context.Background()

	// AutoStart leaves failover groups to the placement; Parallel groups
	// start as before, without acquiring.
	waitFor(t, "parallel group online", groupIs(e, "par", state.GroupOnline))
	if v, _ := e.Group("fo"); v.State != "OFFLINE" {
		t.Fatalf("failover group autostarted by the engine: %s", v.State)
	}
	if got := e.FailoverGroups(); len(got) != 3 {
		t.Fatalf("FailoverGroups = %v", got)
	}

	// global: the child must be online somewhere; remote: elsewhere.
	if err := e.OnlineGroup(ctx, "glob", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("glob online with fo nowhere: %v", err)
	}
	if err := e.OnlineGroup(ctx, "fo", true); err != nil {
		t.Fatal(err)
	}
	if err := e.OnlineGroup(ctx, "glob", true); err != nil {
		t.Fatalf("glob online with fo on n1: %v", err)
	}
	if err := e.OnlineGroup(ctx, "rem", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("rem online with fo on this system: %v", err)
	}

	// A refused acquisition refuses the online and changes nothing.
	p.refuse["rem"] = true
	p.mu.Lock()
	p.owners["fo"] = "n2"
	p.mu.Unlock()
	if err := e.OnlineGroup(ctx, "rem", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("rem online refused by the placement: %v", err)
	}
	if w.index("online r1") >= 0 {
		t.Fatal("a refused online still commanded a resource")
	}

	// An administrator's offline releases with cause admin; MoveOffline
	// with its own cause.
	if err := e.OfflineGroup(ctx, "glob", true); err != nil {
		t.Fatal(err)
	}
	if err := e.MoveOffline(ctx, "fo", ReleaseMove); err != nil {
		t.Fatal(err)
	}
	acq, rel := p.log()
	if len(acq) != 2 || acq[0] != "fo" || acq[1] != "glob" {
		t.Fatalf("acquired %v", acq)
	}
	if len(rel) != 2 || rel[0] != "glob:admin" || rel[1] != "fo:move" {
		t.Fatalf("released %v", rel)
	}
	if gs, err := e.GroupState("fo"); err != nil || gs.State != state.GroupOffline {
		t.Fatalf("fo after MoveOffline: %v %v", gs, err)
	}

	// A Critical fault releases the group with cause fault, once offline.
	if err := e.OnlineGroup(ctx, "fo", true); err != nil {
		t.Fatal(err)
	}
	w.set("f1", state.Faulted, "monitor", "fault")
	waitFor(t, "fo released after its fault", func() bool {
		_, rel := p.log()
		return len(rel) == 3 && rel[2] == "fo:fault"
	})
}

// TestPlacementOfflineDeps: `requires group offline global|remote` refuses
// an online where the other group runs as the location forbids, from both
// sides, with both systems named.
func TestPlacementOfflineDeps(t *testing.T) {
	b := newBuilder().group("c", nil, "c1").group("og", nil, "o1").group("orr", nil, "r1")
	b.cfg.Groups["og"].Requires = []model.GroupDep{{Child: "c", Category: "offline", Location: "global"}}
	b.cfg.Groups["orr"].Requires = []model.GroupDep{{Child: "c", Category: "offline", Location: "remote"}}
	p := &fakePlacement{owners: map[string]string{"c": "n2"}, refuse: map[string]bool{}}
	e := startPlaced(t, b.cfg, newWorld(), p)
	ctx := context.Background()

	for _, g := range []string{"og", "orr"} { // c on n2: global and remote both refuse here
		if err := e.OnlineGroup(ctx, g, true); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `online on system "n2"`) {
			t.Fatalf("%s online with c on n2: %v", g, err)
		}
	}
	p.mu.Lock()
	delete(p.owners, "c")
	p.mu.Unlock()
	if err := e.OnlineGroup(ctx, "orr", true); err != nil {
		t.Fatalf("orr online with c nowhere: %v", err)
	}
	// orr on n1 (offline remote): c may go online here, on orr's system.
	if err := e.OnlineGroup(ctx, "c", true); err != nil {
		t.Fatalf("c online on orr's system: %v", err)
	}
	if err := e.OnlineGroup(ctx, "og", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("og online with c on this system: %v", err)
	}
	if err := e.OfflineGroup(ctx, "c", true); err != nil {
		t.Fatal(err)
	}
	if err := e.OnlineGroup(ctx, "og", true); err != nil {
		t.Fatalf("og online with c offline everywhere: %v", err)
	}
	// og online on n1 (offline global): c may go online nowhere.
	if err := e.OnlineGroup(ctx, "c", true); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `required offline by group "og"`) {
		t.Fatalf("c online while og runs: %v", err)
	}
}
