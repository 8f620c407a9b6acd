package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

func TestCountsState(t *testing.T) {
	on := resClass{enabled: true, ops: opsOnOff, state: state.Online}
	off := resClass{enabled: true, ops: opsOnOff, state: state.Offline}
	onOnly := resClass{enabled: true, ops: opsOnOnly, state: state.Online}
	unknown := resClass{enabled: true, ops: opsOnOff, state: state.Unknown}
	faulted := resClass{enabled: true, ops: opsOnOff, state: state.Faulted}
	persistentOn := resClass{enabled: true, ops: opsNone, state: state.Online}
	disabledOff := resClass{ops: opsOnOff, state: state.Offline}
	tests := []struct {
		name string
		res  []resClass
		want string
	}{
		{"empty", nil, "OFFLINE"},
		{"all online", []resClass{on, on}, "ONLINE"},
		{"disabled ones do not count", []resClass{on, disabledOff}, "ONLINE"},
		{"only disabled", []resClass{disabledOff}, "OFFLINE"},
		{"all unknown", []resClass{unknown, unknown}, "UNKNOWN"},
		{"one online one offline", []resClass{on, off}, "PARTIAL"},
		{"one online one unknown", []resClass{on, unknown}, "PARTIAL"},
		{"persistent online alone", []resClass{persistentOn, off}, "OFFLINE"},
		{"persistent online only", []resClass{persistentOn}, "ONLINE"},
		{"OnOnly online and offline", []resClass{onOnly, off}, "PARTIAL"},
		{"faulted and offline", []resClass{faulted, off}, "OFFLINE"},
		{"faulted and online", []resClass{faulted, on}, "PARTIAL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c counts
			for _, x := range tc.res {
				c.add(x, 1)
			}
			if got := c.state().String(); got != tc.want {
				t.Fatalf("state = %s, want %s (counts %+v)", got, tc.want, c)
			}
			for _, x := range tc.res {
				c.add(x, -1)
			}
			if c != (counts{}) {
				t.Fatalf("counts after removing everything = %+v", c)
			}
		})
	}
}

func TestPack(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		for _, ops := range []operations{opsOnOff, opsOnOnly, opsNone} {
			for _, st := range []state.Resource{state.Online, state.Offline, state.Faulted, state.Unknown} {
				x := resClass{enabled: enabled, ops: ops, state: st}
				t.Run(fmt.Sprintf("%v/%s/%s", enabled, ops, st), func(t *testing.T) {
					if got := unpack(x.pack()); got != x {
						t.Fatalf("unpack(pack(%+v)) = %+v", x, got)
					}
				})
			}
		}
	}
}

// independent returns a group of n independent non-critical resources that
// does not start by itself, so that faults take nothing offline.
func independent(n int) *model.Config {
	cfg := wideGroup(n, false)
	for _, r := range cfg.Resources {
		r.Values["Critical"] = model.ScalarValue("0")
	}
	return cfg
}

// checkTally fails unless group g's tally equals a count made now from the
// agents, and the last group-state event published says the same.
func checkTally(t *testing.T, e *Engine, g string) {
	t.Helper()
	tl := e.tally(g)
	tl.mu.Lock()
	got, published := tl.c, tl.published
	tl.mu.Unlock()
	var want counts
	for _, r := range e.topo().Groups[g].Resources {
		x := classOf(e.conf(r))
		st, _ := e.status(r)
		x.state = st.State.State
		want.add(x, 1)
	}
	if got != want {
		t.Fatalf("tally of group %s = %+v, agents say %+v", g, got, want)
	}
	ws := e.groupState(e.topo().Groups[g])
	ws.Flags &= state.GroupFaulted // the only flag group-state events carry
	if published == nil || *published != ws {
		t.Fatalf("published state of group %s = %v, agents say %s", g, published, ws)
	}
	wantState := ws.String()
	last := ""
	for _, ev := range e.o.Bus.Recent(1 << 16) {
		if ev.Kind == events.KindGroupState && ev.Group == g {
			last = ev.To
		}
	}
	if ws.State != state.GroupUnknown && last != wantState {
		t.Fatalf("last group-state event of group %s says %q, agents say %s", g, last, wantState)
	}
}

func TestTally(t *testing.T) {
	tests := []struct {
		name string
		n    int
		do   func(t *testing.T, e *Engine, w *world)
		want string
	}{
		{"after probe", 5, func(*testing.T, *Engine, *world) {}, "OFFLINE"},
		{"a stale event does not override the agent", 3, func(t *testing.T, e *Engine, w *world) {
			for _, n := range []string{"r0000", "r0001", "r0002"} {
				w.set(n, state.Online, "online", "")
			}
			// The agent says ONLINE; an event saying OFFLINE arrives late.
			w.notify["Proc"](events.Event{Kind: events.KindState, Resource: "r0001", Type: "Proc",
				From: "ONLINE", To: "OFFLINE", Cause: "monitor"})
		}, "ONLINE"},
		{"disabling the only offline resource", 3, func(t *testing.T, e *Engine, w *world) {
			w.set("r0000", state.Online, "online", "")
			w.set("r0001", state.Online, "online", "")
			if err := e.Modify("r0002", "Enabled", []string{"0"}); err != nil {
				t.Fatal(err)
			}
		}, "ONLINE"},
		{"enabling it again", 3, func(t *testing.T, e *Engine, w *world) {
			w.set("r0000", state.Online, "online", "")
			w.set("r0001", state.Online, "online", "")
			for _, v := range []string{"0", "1"} {
				if err := e.Modify("r0002", "Enabled", []string{v}); err != nil {
					t.Fatal(err)
				}
			}
		}, "PARTIAL"},
		{"a faulted resource flags the group", 2, func(t *testing.T, e *Engine, w *world) {
			w.set("r0000", state.Online, "online", "")
			w.set("r0001", state.Faulted, "monitor", events.KindFault)
		}, "PARTIAL|FAULTED"},
		{"concurrent events, reordered", 40, func(t *testing.T, e *Engine, w *world) {
			states := []state.Resource{state.Online, state.Offline, state.Faulted, state.Unknown}
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(g), 7))
					for i := 0; i < 400; i++ {
						n := fmt.Sprintf("r%04d", rng.IntN(40))
						w.set(n, states[rng.IntN(len(states))], "monitor", "")
					}
				}()
			}
			wg.Wait()
			for i := 0; i < 40; i++ { // end in a known state
				w.set(fmt.Sprintf("r%04d", i), state.Online, "online", "")
			}
		}, "ONLINE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			e := start(t, independent(tc.n), w, nil)
			waitFor(t, "probes", func() bool { return e.groupStateNow("g") == "OFFLINE" })
			tc.do(t, e, w)
			checkTally(t, e, "g")
			if got := e.groupStateNow("g"); got != tc.want {
				t.Fatalf("group state = %s, want %s", got, tc.want)
			}
		})
	}
}

// groupStateNow is the group's state from its tally, with the FAULTED flag.
func (e *Engine) groupStateNow(g string) string {
	tl := e.tally(g)
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.published == nil {
		return ""
	}
	return tl.published.String()
}

// TestWalkSeesModify: a group operation waiting on a resource that will
// never get there finishes once that resource is disabled, whether or not
// that changes the group's state.
func TestWalkSeesModify(t *testing.T) {
	tests := []struct {
		name  string
		start state.Resource // state of every resource before the operation
		verb  string
		onOn  bool   // add r0003, OnOnly and ONLINE: the group stays PARTIAL
		want  string // group state at the end
	}{
		{"online", state.Offline, "online", false, "ONLINE"},
		{"offline", state.Online, "offline", false, "OFFLINE"},
		{"offline, group state unchanged", state.Online, "offline", true, "PARTIAL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			w.hang["r0001"] = true
			cfg := independent(3)
			if tc.onOn {
				cfg = independent(4)
				r := cfg.Resources["r0003"]
				onOnly := *r.Type // Operations is a static of the type (a resource cannot override it)
				onOnly.Name = "OnOnlyProc"
				onOnly.Statics = map[string]model.Value{"Operations": model.ScalarValue(opsOnOnly.String())}
				cfg.Types[onOnly.Name], r.Type = &onOnly, &onOnly
			}
			e := start(t, cfg, w, nil)
			for _, n := range cfg.ResourceNames() {
				w.set(n, tc.start, "probe", "")
			}
			if tc.onOn {
				w.set("r0003", state.Online, "probe", "")
			}
			op := e.OnlineGroup
			if tc.verb == "offline" {
				op = e.OfflineGroup
			}
			if err := op(context.Background(), "g", false); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the others done", func() bool {
				return w.index(tc.verb+" r0001") >= 0 && w.index(tc.verb+" r0000") >= 0 &&
					w.index(tc.verb+" r0002") >= 0 && e.groupStateNow("g") == "PARTIAL"
			})
			if op, _ := groupOp(e, "g"); op != tc.verb {
				t.Fatalf("operation = %q while a resource is still on its way, want %q", op, tc.verb)
			}
			if err := e.Modify("r0001", "Enabled", []string{"0"}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "operation done", func() bool { op, _ := groupOp(e, "g"); return op == "" })
			if _, err := groupOp(e, "g"); err != nil {
				t.Fatalf("operation failed: %v", err)
			}
			// The walk may end while the last event's group-state check runs.
			waitFor(t, "group "+tc.want, func() bool { return e.groupStateNow("g") == tc.want })
			checkTally(t, e, "g")
		})
	}
}

// groupOp returns the operation group g runs and the error of its last one.
func groupOp(e *Engine, g string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.groups[g].op, e.groups[g].err
}

// TestTallyParents: the parents a tally computes once are those parents()
// finds, for every resource, in the same order.
func TestTallyParents(t *testing.T) {
	tests := []struct {
		name string
		cfg  *model.Config
	}{
		{"tree", tree().cfg},
		{"chain", wideGroup(20, true)},
		{"diamond, required twice", newBuilder().group("g", nil, "top", "left", "right", "base").
			requires("top", "left", "right", "left").requires("left", "base").requires("right", "base").cfg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := newTallies(tc.cfg)["g"]
			for _, r := range tc.cfg.Groups["g"].Resources {
				got, ok := tl.parents[r.Name]
				if !ok {
					t.Fatalf("no parents entry for %s", r.Name)
				}
				want := parents(r)
				if len(got) != len(want) {
					t.Fatalf("parents of %s = %d, want %d", r.Name, len(got), len(want))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("parents of %s[%d] = %s, want %s", r.Name, i, got[i].Name, want[i].Name)
					}
				}
			}
		})
	}
}
