package agent

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// fakeEP is an entry-point implementation made of function fields; it logs
// every call.
type fakeEP struct {
	has   func(ep.Name) bool
	run   func(ctx context.Context, req ep.Request) ep.Result
	mu    sync.Mutex
	calls []ep.Request
}

func (f *fakeEP) Has(n ep.Name) bool { return f.has(n) }

func (f *fakeEP) Run(ctx context.Context, req ep.Request) ep.Result {
	f.mu.Lock()
	f.calls = append(f.calls, req)
	f.mu.Unlock()
	return f.run(ctx, req)
}

func (f *fakeEP) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, string(c.EP))
	}
	return out
}

func (f *fakeEP) count(n ep.Name) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := 0
	for _, c := range f.calls {
		if c.EP == n {
			k++
		}
	}
	return k
}

// online is a fake whose resource is online once online ran.
func newOnlineFake(eps ...ep.Name) *fakeEP {
	var mu sync.Mutex
	up := false
	return &fakeEP{
		has: func(n ep.Name) bool { return n == ep.Monitor || slices.Contains(eps, n) },
		run: func(_ context.Context, req ep.Request) ep.Result {
			mu.Lock()
			defer mu.Unlock()
			switch req.EP {
			case ep.Online:
				up = true
			case ep.Offline, ep.Clean:
				up = false
			case ep.Monitor:
				if up {
					return ep.Result{ExitCode: 110}
				}
				return ep.Result{ExitCode: 100}
			case ep.Info:
				return ep.Result{Output: []byte("load 0.5\n")}
			case ep.Action:
				return ep.Result{Output: []byte(strings.Join(req.Args, " "))}
			}
			return ep.Result{}
		},
	}
}

func testType(statics map[string]string) *model.Type {
	t := &model.Type{Name: "T", Attrs: map[string]*model.AttrDef{}, Statics: map[string]model.Value{}}
	for k, v := range statics {
		t.Statics[k] = model.ScalarValue(v)
	}
	return t
}

func testResource(t *model.Type, name string) *model.Resource {
	return &model.Resource{Name: name, Type: t, Values: map[string]model.Value{}, Overrides: map[string]model.Value{}}
}

// settle waits until no job is queued or running.
func settle(t *testing.T, a *Agent) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Microsecond) {
		a.mu.Lock()
		n := a.active
		a.mu.Unlock()
		if n == 0 {
			return
		}
	}
	t.Fatal("agent did not settle")
}

func startAgent(t *testing.T, typ *model.Type, impl ep.Implementation, c clock.Clock, imf IMF) (*Agent, *recorder) {
	t.Helper()
	rec := &recorder{}
	a, err := New(Options{Type: typ, Impl: impl, Clock: c, Notify: rec.notify, IMF: imf})
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	t.Cleanup(func() { a.Stop(context.Background()) })
	return a, rec
}

func TestRequestErrors(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(map[string]string{"Operations": "OnOff"})
	a, _ := startAgent(t, typ, newOnlineFake(ep.Online, ep.Offline, ep.Clean), c, nil)
	r := testResource(typ, "r1")
	d := testResource(typ, "d1")
	d.Values["Enabled"] = model.IntValue(0)
	for _, x := range []*model.Resource{r, d} {
		if err := a.Add(x); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, a)
	cases := []struct {
		name string
		call func() error
		want error
	}{
		{"unknown resource", func() error { return a.Online("nope") }, ErrUnknownResource},
		{"disabled", func() error { return a.Online("d1") }, ErrDisabled},
		{"offline when offline", func() error { return a.Offline("r1") }, ErrState},
		{"duplicate add", func() error { return a.Add(testResource(typ, "r1")) }, ErrExists},
		{"refresh info unsupported", func() error { return a.RefreshInfo("r1") }, ErrNotSupported},
		{"clear when not faulted", func() error { return a.Clear("r1") }, ErrState},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	t.Run("operations none", func(t *testing.T) {
		typ := testType(map[string]string{"Operations": "None"})
		a, _ := startAgent(t, typ, newOnlineFake(ep.Online), c, nil)
		a.Add(testResource(typ, "p"))
		settle(t, a)
		if err := a.Online("p"); !errors.Is(err, ErrNotSupported) {
			t.Fatalf("got %v, want ErrNotSupported", err)
		}
	})
}

// TestMonitorCoalescing: while a monitor runs, a periodic monitor is dropped
// and immediate (IMF) monitors collapse into one queued monitor.
func TestMonitorCoalescing(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(map[string]string{"MonitorInterval": "10", "OfflineMonitorInterval": "10"})
	release := make(chan struct{})
	var gate sync.Once
	f := &fakeEP{has: func(n ep.Name) bool { return n == ep.Monitor }}
	started := make(chan struct{}, 10)
	f.run = func(_ context.Context, req ep.Request) ep.Result {
		if len(f.calls) == 2 { // the second monitor blocks until released
			started <- struct{}{}
			<-release
		}
		return ep.Result{ExitCode: 100}
	}
	a, _ := startAgent(t, typ, f, c, nil)
	a.Add(testResource(typ, "r"))
	settle(t, a) // probe done
	c.Advance(10 * time.Second)
	<-started
	for range 3 {
		a.MonitorNow("r", "imf")
	}
	a.mu.Lock()
	res := a.res["r"]
	a.enqueueMonitor(res, c.Now(), "monitor") // a periodic monitor while one runs and one is queued
	queued := len(res.queue)
	a.mu.Unlock()
	gate.Do(func() { close(release) })
	settle(t, a)
	if queued != 1 {
		t.Errorf("queued monitors while one ran = %d, want 1", queued)
	}
	if got := f.count(ep.Monitor); got != 3 {
		t.Errorf("monitor ran %d times, want 3 (probe, periodic, one coalesced imf)", got)
	}
}

// TestOfflineBeforeClose: Enabled=0 while offline runs queues close behind it.
func TestOfflineBeforeClose(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(nil)
	f := newOnlineFake(ep.Online, ep.Offline, ep.Clean, ep.Open, ep.Close)
	inner := f.run
	release := make(chan struct{})
	f.run = func(ctx context.Context, req ep.Request) ep.Result {
		if req.EP == ep.Offline {
			<-release
		}
		return inner(ctx, req)
	}
	a, _ := startAgent(t, typ, f, c, nil)
	r := testResource(typ, "r")
	a.Add(r)
	settle(t, a)
	if err := a.Online("r"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	if err := a.Offline("r"); err != nil {
		t.Fatal(err)
	}
	for f.count(ep.Offline) == 0 {
		time.Sleep(100 * time.Microsecond)
	}
	r.Values["Enabled"] = model.IntValue(0)
	if err := a.Update(r, []string{"Enabled"}); err != nil {
		t.Fatal(err)
	}
	close(release)
	settle(t, a)
	got := strings.Join(f.names(), " ")
	if want := "open monitor online monitor offline close"; got != want {
		t.Fatalf("calls %q, want %q: close queued behind offline", got, want)
	}
	if st, _ := a.Status("r"); st.Internal != "Detached" || st.Enabled {
		t.Fatalf("status after disable: %+v", st)
	}
}

// fakeIMFOK registers everything.
type fakeIMFOK struct{ reg, unreg int }

func (f *fakeIMFOK) Register(*model.Resource, bool) error { f.reg++; return nil }
func (f *fakeIMFOK) Unregister(string)                    { f.unreg++ }

// TestMonitorFreq: once registered with IMF, polling slows to MonitorFreq
// times the interval; MonitorNow still monitors at once.
func TestMonitorFreq(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(map[string]string{"MonitorInterval": "10", "OfflineMonitorInterval": "10"})
	typ.Statics["IMF"] = model.AssocValue(model.KV{Key: "Mode", Value: "3"}, model.KV{Key: "MonitorFreq", Value: "4"},
		model.KV{Key: "RegisterRetryLimit", Value: "3"})
	f := newOnlineFake()
	imf := &fakeIMFOK{}
	a, _ := startAgent(t, typ, f, c, imf)
	a.Add(testResource(typ, "r"))
	settle(t, a)
	step := func(d time.Duration) { c.Advance(d); settle(t, a) }
	step(10 * time.Second) // second offline result: steady, registered
	if imf.reg != 1 {
		t.Fatalf("registrations = %d, want 1", imf.reg)
	}
	n := f.count(ep.Monitor)
	step(39 * time.Second)
	if f.count(ep.Monitor) != n {
		t.Fatalf("monitor ran before MonitorFreq x OfflineMonitorInterval")
	}
	step(time.Second)
	if f.count(ep.Monitor) != n+1 {
		t.Fatalf("monitor did not run at 40 s")
	}
	a.MonitorNow("r", "imf")
	settle(t, a)
	if f.count(ep.Monitor) != n+2 {
		t.Fatalf("MonitorNow did not monitor")
	}
}

func TestActionInfoAttrChangedShutdown(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(map[string]string{"MonitorInterval": "10"})
	typ.Statics["SupportedActions"] = model.ListValue(model.Keylist, "flush")
	typ.Statics["RegList"] = model.ListValue(model.Keylist, "Path")
	typ.Statics["ArgList"] = model.ListValue(model.Vector, "Path")
	typ.Attrs["Path"] = &model.AttrDef{Name: "Path", Kind: model.Str, Dim: model.Scalar}
	f := newOnlineFake(ep.Online, ep.Action, ep.Info, ep.AttrChanged, ep.Shutdown)
	rec := &recorder{}
	a, err := New(Options{Type: typ, Impl: f, Clock: c, Notify: rec.notify})
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	r := testResource(typ, "r")
	r.Values["Path"] = model.ScalarValue("/a")
	a.Add(r)
	settle(t, a)
	a.Online("r")
	settle(t, a)
	t.Run("action", func(t *testing.T) {
		res, err := a.Action(context.Background(), "r", "flush", []string{"x", "y"})
		if err != nil || !strings.HasSuffix(string(res.Output), "ACTION_ARGS 2 x y") {
			t.Fatalf("action: %q, %v", res.Output, err)
		}
		if _, err := a.Action(context.Background(), "r", "nuke", nil); !errors.Is(err, ErrNotSupported) {
			t.Fatalf("unsupported token: %v", err)
		}
	})
	t.Run("info", func(t *testing.T) {
		if err := a.RefreshInfo("r"); err != nil {
			t.Fatal(err)
		}
		settle(t, a)
		st, _ := a.Status("r")
		if st.ResourceInfo["State"] != "Valid" || st.ResourceInfo["Msg"] != "load 0.5" {
			t.Fatalf("ResourceInfo %v", st.ResourceInfo)
		}
	})
	t.Run("attr_changed", func(t *testing.T) {
		r.Values["Path"] = model.ScalarValue("/b")
		a.Update(r, []string{"Path"})
		settle(t, a)
		f.mu.Lock()
		last := f.calls[len(f.calls)-1]
		f.mu.Unlock()
		if last.EP != ep.AttrChanged || strings.Join(last.Args, " ") != "r r Path /b" {
			t.Fatalf("last call %s %v", last.EP, last.Args)
		}
	})
	t.Run("shutdown", func(t *testing.T) {
		if err := a.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if f.count(ep.Shutdown) != 1 {
			t.Fatalf("shutdown ran %d times", f.count(ep.Shutdown))
		}
		if err := a.Online("r"); !errors.Is(err, ErrStopped) {
			t.Fatalf("online after stop: %v", err)
		}
	})
}

// TestInfoIntervalAndMonitorCycle: info runs every InfoInterval while the
// resource is ONLINE and its ResourceInfo goes Stale when it leaves; each
// monitor carries its cycle number for LevelTwoMonitorFreq.
func TestInfoIntervalAndMonitorCycle(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(map[string]string{"MonitorInterval": "10", "InfoInterval": "4", "LevelTwoMonitorFreq": "2"})
	f := newOnlineFake(ep.Online, ep.Offline, ep.Info)
	a, _ := startAgent(t, typ, f, c, nil)
	a.Add(testResource(typ, "r"))
	settle(t, a)
	a.Online("r")
	settle(t, a)
	c.Advance(4 * time.Second)
	settle(t, a)
	c.Advance(4 * time.Second)
	settle(t, a)
	if n := f.count(ep.Info); n != 2 {
		t.Fatalf("info ran %d times in 8 s with InfoInterval 4, want 2", n)
	}
	f.mu.Lock()
	var infoArgs, cycles []string
	for _, req := range f.calls {
		switch req.EP {
		case ep.Info:
			infoArgs = append(infoArgs, req.Args[1])
		case ep.Monitor:
			for _, e := range req.Env {
				if strings.HasPrefix(e, "VCSAG_MONITOR_COUNT=") {
					cycles = append(cycles, strings.TrimPrefix(e, "VCSAG_MONITOR_COUNT="))
				}
			}
		}
	}
	f.mu.Unlock()
	if got := strings.Join(infoArgs, " "); got != "1 2" {
		t.Errorf("resinfo_op of the info runs = %q, want \"1 2\"", got)
	}
	if got := strings.Join(cycles, " "); got != "1 2" {
		t.Errorf("monitor cycles = %q, want \"1 2\"", got)
	}
	a.Offline("r")
	settle(t, a)
	if st, _ := a.Status("r"); st.ResourceInfo["State"] != "Stale" || st.State.String() != "OFFLINE" {
		t.Fatalf("after offline: %s %v", st.State, st.ResourceInfo)
	}
	c.Advance(8 * time.Second)
	settle(t, a)
	if n := f.count(ep.Info); n != 2 {
		t.Fatalf("info ran while OFFLINE (%d runs)", n)
	}
}

func TestWorkersGrowWithResources(t *testing.T) {
	typ := testType(map[string]string{"NumThreads": "3"})
	a, _ := startAgent(t, typ, newOnlineFake(), clock.NewFake(time.Unix(0, 0)), nil)
	count := func() int { a.mu.Lock(); defer a.mu.Unlock(); return a.workers }
	if count() != 1 {
		t.Fatalf("workers with no resource = %d, want 1", count())
	}
	for i, want := range []int{1, 2, 3, 3, 3} {
		a.Add(testResource(typ, "r"+string(rune('a'+i))))
		if got := count(); got != want {
			t.Fatalf("workers after %d resources = %d, want %d", i+1, got, want)
		}
	}
}

// TestMixedImplementations: a type may take monitor from one implementation
// (a plugin or built-in Go code) and the other entry points from another.
func TestMixedImplementations(t *testing.T) {
	c := clock.NewFake(time.Unix(0, 0))
	typ := testType(nil)
	scripts := newOnlineFake(ep.Online, ep.Offline, ep.Monitor)
	builtin := &fakeEP{has: func(n ep.Name) bool { return n == ep.Monitor },
		run: func(context.Context, ep.Request) ep.Result { return ep.Result{ExitCode: 110} }}
	a, _ := startAgent(t, typ, ep.NewMux(scripts).Route(ep.Monitor, builtin), c, nil)
	a.Add(testResource(typ, "r"))
	settle(t, a)
	if err := a.Offline("r"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	if scripts.count(ep.Offline) != 1 || scripts.count(ep.Monitor) != 0 || builtin.count(ep.Monitor) != 2 {
		t.Fatalf("scripts ran %v, built-in ran %v", scripts.names(), builtin.names())
	}
}
