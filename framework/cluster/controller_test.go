package cluster

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// timeline records, per system, the intervals in which a group was online,
// and fails on any overlap between systems.
type timeline struct {
	mu      sync.Mutex
	on      map[string]string // group -> system online now
	overlap []string
	history []string
	// apart pairs groups that must never be online at the same time
	// (offline global dependencies), both ways.
	apart map[string]string
}

func (tl *timeline) online(g, sys string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if cur, ok := tl.on[g]; ok && cur != sys {
		tl.overlap = append(tl.overlap, fmt.Sprintf("%s online on %s while on %s", g, sys, cur))
	}
	if other := tl.apart[g]; other != "" && tl.on[other] != "" {
		tl.overlap = append(tl.overlap, fmt.Sprintf("%s online on %s while %s is online on %s", g, sys, other, tl.on[other]))
	}
	tl.on[g] = sys
	tl.history = append(tl.history, g+"@"+sys)
}

func (tl *timeline) offline(g, sys string) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.on[g] == sys {
		delete(tl.on, g)
	}
}

func (tl *timeline) where(g string) string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return tl.on[g]
}

// fakeEngine is a one-group engine whose group goes online and offline at
// once, recording into a shared timeline.
type fakeEngine struct {
	sys string
	cfg *model.Config
	tl  *timeline
	p   *Controller

	mu     sync.Mutex
	st     map[string]state.Group
	hang   bool     // MoveOffline never finishes (until its ctx ends)
	forced []string // groups ForceOffline took down
}

func (f *fakeEngine) FailoverGroups() []string { return f.cfg.GroupNames() }
func (f *fakeEngine) Snapshot() *model.Config  { return f.cfg }
func (f *fakeEngine) GroupState(name string) (state.GroupState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return state.GroupState{State: f.st[name]}, nil
}
func (f *fakeEngine) OnlineGroup(ctx context.Context, name string, wait bool) error {
	if err := f.p.Acquire(ctx, name); err != nil {
		return err
	}
	f.mu.Lock()
	f.st[name] = state.GroupOnline
	f.mu.Unlock()
	f.tl.online(name, f.sys)
	return nil
}
func (f *fakeEngine) MoveOffline(ctx context.Context, name, cause string) error {
	f.mu.Lock()
	hang := f.hang
	f.mu.Unlock()
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	f.down(name)
	f.p.Released(name, cause)
	return nil
}
func (f *fakeEngine) ForceOffline(ctx context.Context, name, cause string) error {
	f.mu.Lock()
	f.forced = append(f.forced, name)
	f.mu.Unlock()
	f.down(name)
	f.p.Released(name, cause)
	return nil
}
func (f *fakeEngine) down(name string) {
	f.mu.Lock()
	f.st[name] = state.GroupOffline
	f.mu.Unlock()
	f.tl.offline(name, f.sys)
}

// fault is a Critical fault of the group on this system.
func (f *fakeEngine) fault(name string) {
	f.down(name)
	f.p.Released(name, causeFault)
}

func groupConfig() *model.Config {
	g := &model.Group{Name: "g", Attrs: map[string]model.Value{
		"SystemList":    {Dim: model.Assoc, Assoc: []model.KV{{Key: "A", Value: "0"}, {Key: "B", Value: "1"}, {Key: "C", Value: "2"}}},
		"AutoStartList": {Dim: model.Keylist, List: []string{"B", "A"}},
	}}
	return &model.Config{Groups: map[string]*model.Group{"g": g}, Systems: []string{"A", "B", "C"}}
}

type node struct {
	m    *Member
	c    *Controller
	eng  *fakeEngine
	stop func() // crash: no revoke, no offline
}

func startNode(t *testing.T, tc *testCluster, sys string, tl *timeline) *node {
	t.Helper()
	return startNodeWith(t, tc, sys, tl, groupConfig())
}

func startNodeWith(t *testing.T, tc *testCluster, sys string, tl *timeline, cfg *model.Config) *node {
	t.Helper()
	eng := &fakeEngine{sys: sys, cfg: cfg, tl: tl, st: map[string]state.Group{}}
	for _, g := range cfg.GroupNames() {
		eng.st[g] = state.GroupOffline
	}
	var c *Controller
	m, stopMember := join(t, tc, sys, func(deadline time.Time) { c.Fence(deadline) })
	c = NewController(m, eng, zaptest.NewLogger(t).Named(sys))
	eng.p = c
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done; stopMember() }) }
	t.Cleanup(stop)
	return &node{m: m, c: c, eng: eng, stop: stop}
}

func TestControllerFailoverPolicy(t *testing.T) {
	tc := startCluster(t, 1)
	tl := &timeline{on: map[string]string{}}
	nodes := map[string]*node{}
	for _, s := range []string{"A", "B", "C"} {
		nodes[s] = startNode(t, tc, s, tl)
	}
	eventually(t, "AutoStart on B, the first of AutoStartList", func() bool { return tl.where("g") == "B" })

	// A Critical fault on B moves the group to A (priority 0), and B is
	// marked faulted for it.
	nodes["B"].eng.fault("g")
	eventually(t, "g online on A after the fault on B", func() bool { return tl.where("g") == "A" })

	// Switch to C: offline on A before online on C.
	if err := nodes["A"].m.Place(context.Background(), "g", "C", true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "g online on C after the switch", func() bool { return tl.where("g") == "C" })

	// C crashes (lease expires): B is faulted, so A takes it.
	nodes["C"].stop()
	nodes["C"].eng.down("g") // the crashed node's processes die with it
	eventually(t, "g online on A after C's lease expired", func() bool { return tl.where("g") == "A" })

	// grp online --sys B clears B's fault; a switch to B moves it.
	if err := nodes["A"].m.Place(context.Background(), "g", "B", false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "g online on B", func() bool { return tl.where("g") == "B" })

	// An administrator's offline: nothing runs it anywhere.
	if err := nodes["A"].m.Unwant(context.Background(), "g"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "g offline everywhere", func() bool {
		v, err := nodes["A"].m.Read(context.Background())
		return err == nil && tl.where("g") == "" && v.Owners["g"].System == ""
	})
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if len(tl.overlap) > 0 {
		t.Fatalf("overlaps: %v (history %v)", tl.overlap, tl.history)
	}
}
