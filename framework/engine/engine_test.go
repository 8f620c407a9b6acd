package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// tree: app requires db and ip; db requires disk. log is independent.
func tree() *builder {
	return newBuilder().group("g", nil, "app", "db", "disk", "ip", "log").
		requires("app", "db", "ip").requires("db", "disk")
}

func before(t *testing.T, w *world, a, b string) {
	t.Helper()
	ia, ib := w.index(a), w.index(b)
	if ia < 0 || ib < 0 || ia > ib {
		t.Fatalf("want %q before %q; calls %v", a, b, w.calls)
	}
}

func TestAutoStartAndOfflineOrder(t *testing.T) {
	w := newWorld()
	e := start(t, tree().cfg, w, nil)
	waitFor(t, "group online", groupIs(e, "g", state.GroupOnline))
	before(t, w, "online disk", "online db")
	before(t, w, "online db", "online app")
	before(t, w, "online ip", "online app")
	if err := e.OfflineGroup(context.Background(), "g", true); err != nil {
		t.Fatal(err)
	}
	before(t, w, "offline app", "offline db")
	before(t, w, "offline db", "offline disk")
	before(t, w, "offline app", "offline ip")
	if v, _ := e.Group("g"); v.State != "OFFLINE" || v.Intent != "offline" {
		t.Fatalf("group = %s intent %s", v.State, v.Intent)
	}
	// Group-state events follow the resource events they reflect, so the
	// last one may come just after the operation has returned.
	changes := func() string {
		var out []string
		for _, ev := range e.o.Bus.Recent(1000) {
			if ev.Kind == events.KindGroupState {
				out = append(out, ev.From+">"+ev.To)
			}
		}
		return strings.Join(out, " ")
	}
	waitFor(t, "group-state OFFLINE", func() bool { return strings.HasSuffix(changes(), ">OFFLINE") })
	if got := changes(); !strings.Contains(got, "PARTIAL>ONLINE") {
		t.Fatalf("group-state events = %q", got)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		b         *builder
		fault     string
		wantGroup state.Group
		wantState map[string]state.Resource
	}{
		{"critical fault takes the group", tree(), "db", state.GroupOffline,
			map[string]state.Resource{"app": state.Offline, "db": state.Faulted, "disk": state.Offline, "log": state.Offline}},
		{"non-critical leaf takes only dependents",
			tree().set("ip", "Critical", "0").set("app", "Critical", "0"), "ip", state.GroupPartial,
			map[string]state.Resource{"app": state.Offline, "ip": state.Faulted, "db": state.Online, "disk": state.Online}},
		{"non-critical with critical parent takes the group",
			tree().set("ip", "Critical", "0"), "ip", state.GroupOffline,
			map[string]state.Resource{"app": state.Offline, "db": state.Offline, "log": state.Offline}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			e := start(t, tc.b.cfg, w, nil)
			waitFor(t, "online", groupIs(e, "g", state.GroupOnline))
			w.set(tc.fault, state.Faulted, "monitor", "fault")
			waitFor(t, "group "+tc.wantGroup.String(), func() bool {
				v, _ := e.Group("g")
				if v.State != tc.wantGroup.String() {
					return false
				}
				for _, r := range v.Resources {
					if want, ok := tc.wantState[r.Name]; ok && r.State != want.String() {
						return false
					}
				}
				return true
			})
		})
	}
}

func TestGroupDependencies(t *testing.T) {
	b := newBuilder().group("child", nil, "c1").group("parent", nil, "p1").
		group("soft", nil, "s1").groupDep("parent", "child", "firm").groupDep("soft", "child", "soft")
	w := newWorld()
	e := start(t, b.cfg, w, nil)
	for _, g := range []string{"child", "parent", "soft"} {
		waitFor(t, g+" online", groupIs(e, g, state.GroupOnline))
	}
	before(t, w, "online c1", "online p1")
	before(t, w, "online c1", "online s1")
	ctx := context.Background()
	err := e.OfflineGroup(ctx, "child", true)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("offline child under firm parent: err = %v, want conflict", err)
	}
	if w.index("offline c1") >= 0 {
		t.Fatal("refused offline still changed something")
	}
	if err := e.OfflineGroup(ctx, "parent", true); err != nil {
		t.Fatal(err)
	}
	if err := e.OfflineGroup(ctx, "child", true); err != nil {
		t.Fatalf("offline child with only a soft parent: %v", err)
	}
	if err := e.OnlineGroup(ctx, "parent", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("online parent with child offline: err = %v", err)
	}
	if err := e.OnlineGroup(ctx, "child", true); err != nil {
		t.Fatal(err)
	}
	if err := e.OnlineGroup(ctx, "parent", true); err != nil {
		t.Fatal(err)
	}
	w.set("c1", state.Faulted, "monitor", "fault")
	waitFor(t, "parent taken offline", groupIs(e, "parent", state.GroupOffline))
	if v, _ := e.Group("soft"); v.State != "ONLINE" {
		t.Fatalf("soft parent = %s, want ONLINE", v.State)
	}
}

func TestResourceCommands(t *testing.T) {
	w := newWorld()
	b := tree()
	b.cfg.Groups["g"].Attrs["AutoStart"] = model.ScalarValue("0")
	e := start(t, b.cfg, w, nil)
	ctx := context.Background()
	tests := []struct {
		name    string
		do      func() error
		wantErr error
	}{
		{"unknown resource", func() error { return e.OnlineResource(ctx, "nope", true) }, ErrNotFound},
		{"child offline", func() error { return e.OnlineResource(ctx, "db", true) }, ErrConflict},
		{"leaf online", func() error { return e.OnlineResource(ctx, "disk", true) }, nil},
		{"then parent", func() error { return e.OnlineResource(ctx, "db", true) }, nil},
		{"child with online parent", func() error { return e.OfflineResource(ctx, "disk", true) }, ErrConflict},
		{"unknown group", func() error { return e.OnlineGroup(ctx, "nope", true) }, ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
	if got := w.index("online app"); got >= 0 {
		t.Fatal("AutoStart = 0 group was brought online")
	}
}

func TestOnlineFaultFailsWait(t *testing.T) {
	w := newWorld()
	w.failOn["db"] = true
	b := tree()
	b.cfg.Groups["g"].Attrs["AutoStart"] = model.ScalarValue("0")
	e := start(t, b.cfg, w, nil)
	err := e.OnlineGroup(context.Background(), "g", true)
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("err = %v, want failed", err)
	}
	if w.index("online app") >= 0 {
		t.Fatal("parent of a faulted resource was brought online")
	}
}

func TestModify(t *testing.T) {
	w := newWorld()
	dumps := 0
	failDump := false
	dump := func(*model.Config, string) error {
		if failDump {
			return errors.New("disk full")
		}
		dumps++
		return nil
	}
	b := tree()
	e := start(t, b.cfg, w, dump)
	tests := []struct {
		name      string
		res, attr string
		words     []string
		failDump  bool
		wantErr   error
		wantMsg   string
		wantValue string
	}{
		{"bad int", "app", "Port", []string{"x"}, false, ErrInvalid,
			`attribute Port of type Proc expects int, got "x"`, ""},
		{"unknown resource", "web1", "Port", []string{"1"}, false, ErrNotFound, `resource "web1" not found`, ""},
		{"unknown attribute", "app", "Nope", []string{"1"}, false, ErrNotFound, "", ""},
		{"scalar with two words", "app", "Port", []string{"1", "2"}, false, ErrInvalid, "", ""},
		{"good int", "app", "Port", []string{"8080"}, false, nil, "", "8080"},
		{"vector", "app", "Names", []string{"a", "b"}, false, nil, "", "a"},
		{"dump failure changes nothing", "app", "Port", []string{"9"}, true, nil, "", "8080"},
		{"static override", "app", "MonitorInterval", []string{"5"}, false, nil, "", "5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			failDump = tc.failDump
			err := e.Modify(tc.res, tc.attr, tc.words)
			switch {
			case tc.failDump:
				if err == nil {
					t.Fatal("dump failure not reported")
				}
			case tc.wantErr == nil && err != nil, tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantMsg != "" && err.Error() != tc.wantMsg {
				t.Fatalf("message = %q, want %q", err.Error(), tc.wantMsg)
			}
			if tc.wantValue != "" {
				v, err := e.Value(tc.res, tc.attr)
				if err != nil || v.Values[0] != tc.wantValue {
					t.Fatalf("value = %v, %v; want %s", v.Values, err, tc.wantValue)
				}
			}
		})
	}
	if dumps != 3 {
		t.Fatalf("dumps = %d, want 3", dumps)
	}
	if len(w.updates) != 3 {
		t.Fatalf("agent updates = %v", w.updates)
	}
}

func TestIntentSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	w := newWorld()
	cfg := tree().cfg
	run := func() *Engine {
		e, err := New(Options{Config: cfg, System: "n1", Bus: events.NewBus(100, nil), NewAgent: w.factory, StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return e
	}
	reboot := func() {
		w.mu.Lock()
		for n := range w.state {
			w.state[n] = state.Offline
		}
		w.calls = nil
		w.mu.Unlock()
	}
	tests := []struct {
		name       string
		then       func(e *Engine) error
		wantOnline bool
	}{
		{"autostart without intent", func(e *Engine) error { return e.OfflineGroup(context.Background(), "g", true) }, true},
		{"offline intent kept", func(e *Engine) error { return e.OnlineGroup(context.Background(), "g", true) }, false},
		{"online intent kept", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reboot()
			e := run()
			defer e.Stop(context.Background())
			if tc.wantOnline {
				waitFor(t, "group online", groupIs(e, "g", state.GroupOnline))
			} else {
				time.Sleep(50 * time.Millisecond)
				if w.index("online app") >= 0 || w.index("online disk") >= 0 {
					t.Fatalf("group with offline intent was brought online: %v", w.calls)
				}
			}
			if tc.then != nil {
				if err := tc.then(e); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestDisabledResourceSkipped(t *testing.T) {
	w := newWorld()
	e := start(t, tree().set("ip", "Enabled", "0").cfg, w, nil)
	waitFor(t, "group online", groupIs(e, "g", state.GroupOnline))
	if w.index("online ip") >= 0 {
		t.Fatal("disabled resource was brought online")
	}
	if err := e.OnlineResource(context.Background(), "ip", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("online of a disabled resource: err = %v", err)
	}
}

// TestFaultEventsInCausalOrder: the group fault a Critical resource's fault
// causes is published after the resource's change to FAULTED, even when the
// agent reports the fault notification before the state change.
func TestFaultEventsInCausalOrder(t *testing.T) {
	for i := 0; i < 20; i++ {
		w := newWorld()
		e := start(t, tree().cfg, w, nil)
		waitFor(t, "online", groupIs(e, "g", state.GroupOnline))
		w.mu.Lock()
		n := w.notify["Proc"]
		w.state["db"] = state.Faulted
		w.mu.Unlock()
		n(events.Event{Kind: events.KindFault, Resource: "db", Type: "Proc", Cause: "monitor"})
		n(events.Event{Kind: events.KindState, Resource: "db", Type: "Proc", From: "ONLINE", To: "FAULTED", Cause: "monitor"})
		var stateSeq, groupSeq uint64
		waitFor(t, "group fault", func() bool {
			for _, ev := range e.o.Bus.Recent(-1) {
				switch {
				case ev.Kind == events.KindState && ev.Resource == "db" && ev.To == "FAULTED":
					stateSeq = ev.Seq
				case ev.Kind == events.KindGroupFault && ev.Group == "g":
					groupSeq = ev.Seq
				}
			}
			return groupSeq != 0
		})
		if stateSeq == 0 || groupSeq < stateSeq {
			t.Fatalf("run %d: group-fault (seq %d) published before db's change to FAULTED (seq %d)", i, groupSeq, stateSeq)
		}
	}
}
