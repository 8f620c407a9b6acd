package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// agentWorld is a fake agent that behaves as framework/agent does where
// concurrent requests meet: a resource on its way (online or offline) shows
// WAITING_TO_ONLINE or WAITING_TO_OFFLINE and refuses another request with
// agent.ErrBusy; before its probe is in, a request is refused with
// agent.ErrState; the probe result arrives when probeGate is closed.
type agentWorld struct {
	mu        sync.Mutex
	st        map[string]state.ResourceState
	probed    map[string]bool
	notify    func(events.Event)
	delay     time.Duration
	probeGate chan struct{}
}

func newAgentWorld(delay time.Duration) *agentWorld {
	w := &agentWorld{st: map[string]state.ResourceState{}, probed: map[string]bool{}, delay: delay,
		probeGate: make(chan struct{})}
	close(w.probeGate)
	return w
}

func (w *agentWorld) change(n string, to state.ResourceState, cause string) {
	w.mu.Lock()
	from := w.st[n]
	w.st[n] = to
	notify := w.notify
	w.mu.Unlock()
	notify(events.Event{Kind: events.KindState, Resource: n, Type: "Proc", From: from.String(), To: to.String(), Cause: cause})
}

func (w *agentWorld) request(n, verb string) error {
	w.mu.Lock()
	cur, probed := w.st[n], w.probed[n]
	w.mu.Unlock()
	switch {
	case !probed:
		return fmt.Errorf("%s resource %q: %w", verb, n, agent.ErrState)
	case cur.Flags&(state.WaitingToOnline|state.WaitingToOffline) != 0:
		return fmt.Errorf("%s resource %q: %w", verb, n, agent.ErrBusy)
	}
	flag, to := state.WaitingToOnline, state.Online
	if verb == "offline" {
		flag, to = state.WaitingToOffline, state.Offline
	}
	w.change(n, state.ResourceState{State: cur.State, Flags: flag}, verb)
	go func() {
		time.Sleep(w.delay)
		w.change(n, state.ResourceState{State: to}, verb)
	}()
	return nil
}

func (w *agentWorld) factory(t *model.Type, h AgentHooks) (Agent, error) {
	w.mu.Lock()
	w.notify = h.Notify
	w.mu.Unlock()
	nop := func(string) error { return nil }
	return &fakeAgent{
		add: func(n string) error {
			w.mu.Lock()
			w.st[n] = state.ResourceState{State: state.Unknown, Flags: state.Probing}
			w.mu.Unlock()
			go func() {
				<-w.probeGate
				w.mu.Lock()
				w.probed[n] = true
				w.mu.Unlock()
				w.change(n, state.ResourceState{State: state.Offline}, "probe")
			}()
			return nil
		},
		remove: nop, probe: nop, refresh: nop, clear: nop,
		online:  func(n string) error { return w.request(n, "online") },
		offline: func(n string) error { return w.request(n, "offline") },
		update:  func(*model.Resource, []string) error { return nil },
		status: func(n string) (agent.Status, bool) {
			w.mu.Lock()
			defer w.mu.Unlock()
			s, ok := w.st[n]
			var last time.Time
			if w.probed[n] {
				last = time.Unix(1, 0)
			}
			return agent.Status{State: s, Enabled: true, LastMonitor: last}, ok
		},
	}, nil
}

// chainAndLeaves is the group of the adversarial run: a chain of ten
// resources and ten independent ones.
func chainAndLeaves() *model.Config {
	var names []string
	for i := range 20 {
		names = append(names, fmt.Sprintf("r%02d", i))
	}
	b := newBuilder().group("sg", nil, names...)
	for i := 1; i < 10; i++ {
		b.requires(names[i], names[i-1])
	}
	b.cfg.Groups["sg"].Attrs["AutoStart"] = model.ScalarValue("0")
	return b.cfg
}

func newRealEngine(t *testing.T, cfg *model.Config, w *agentWorld, stateDir string) *Engine {
	t.Helper()
	e, err := New(Options{Config: cfg, System: "n1", Clock: clock.Real{}, Bus: events.NewBus(10000, nil),
		NewAgent: w.factory, StateDir: stateDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Stop(context.Background()) })
	return e
}

// waitSteady waits (generously) until group g runs no operation and is in
// the steady state its recorded intent asks for.
func waitSteady(t *testing.T, e *Engine, g string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		op, intent := e.groups[g].op, e.intent[g]
		e.mu.Unlock()
		want := state.GroupOffline.String()
		if intent == "online" {
			want = state.GroupOnline.String()
		}
		if v, _ := e.Group(g); op == "" && v.State == want && len(v.Flags) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.mu.Lock()
	op, intent := e.groups[g].op, e.intent[g]
	e.mu.Unlock()
	v, _ := e.Group(g)
	t.Fatalf("group %s: state %s %v, operation %q, intent %q after 30 s", g, v.State, v.Flags, op, intent)
}

// TestConcurrentGroupOnline: two identical online requests at once join;
// both succeed and the group is ONLINE.
func TestConcurrentGroupOnline(t *testing.T) {
	w := newAgentWorld(20 * time.Millisecond)
	e := newRealEngine(t, chainAndLeaves(), w, t.TempDir())
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			errs[i] = e.OnlineGroup(ctx, "sg", true)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	waitSteady(t, e, "sg")
}

// TestGroupRequestStorm: 20 clients send online and offline requests at
// random; whatever each gets back, the group ends in the steady state of
// the intent recorded last.
func TestGroupRequestStorm(t *testing.T) {
	w := newAgentWorld(5 * time.Millisecond)
	e := newRealEngine(t, chainAndLeaves(), w, t.TempDir())
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for c := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(c)))
			for range 5 {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				var err error
				if rng.Intn(2) == 0 {
					err = e.OnlineGroup(ctx, "sg", rng.Intn(2) == 0)
				} else {
					err = e.OfflineGroup(ctx, "sg", rng.Intn(2) == 0)
				}
				cancel()
				if err != nil && !errors.Is(err, ErrConflict) {
					t.Errorf("client %d: %v", c, err)
				}
				time.Sleep(time.Duration(rng.Intn(30)) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	waitSteady(t, e, "sg")
}

// TestRequestDuringProbes: a group online sent while the start-up probes
// run waits for them and then brings the whole group online.
func TestRequestDuringProbes(t *testing.T) {
	w := newAgentWorld(2 * time.Millisecond)
	w.probeGate = make(chan struct{})
	e := newRealEngine(t, chainAndLeaves(), w, t.TempDir())
	started := make(chan error, 1)
	go func() { started <- e.Start(context.Background()) }()
	result := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		result <- e.OnlineGroup(ctx, "sg", true)
	}()
	time.Sleep(20 * time.Millisecond) // let the request arrive during the probes (not needed for correctness)
	close(w.probeGate)
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil {
		t.Fatalf("online during the probes: %v", err)
	}
	waitSteady(t, e, "sg")
}

// TestIntentNotSavedRefused: with a state directory that cannot be
// written, an offline is refused, nothing is taken offline and the intent
// is unchanged; CheckStateDir says so.
func TestIntentNotSavedRefused(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stateDir := filepath.Join(file, "state") // under a regular file: never writable, even for root
	w := newAgentWorld(2 * time.Millisecond)
	e := newRealEngine(t, chainAndLeaves(), w, stateDir)
	if err := e.CheckStateDir(); err == nil {
		t.Error("CheckStateDir: no error for a state directory that cannot be written")
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := e.OnlineGroup(context.Background(), "sg", true)
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("online with an unwritable state directory: %v, want ErrFailed", err)
	}
	e.mu.Lock()
	_, recorded := e.intent["sg"]
	op := e.groups["sg"].op
	e.mu.Unlock()
	if recorded || op != "" {
		t.Fatalf("intent recorded %v, operation %q: want neither", recorded, op)
	}
	for n := range chainAndLeaves().Resources {
		if st, _ := e.Resource(n); st.State != state.Offline.String() {
			t.Errorf("resource %s is %s: something was done", n, st.State)
		}
	}
}
