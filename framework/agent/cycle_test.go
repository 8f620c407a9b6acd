package agent

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/state"
)

// TestMonitorDone: every completed monitor reaches MonitorDone with the
// state the resource was in while it ran, the implementation's duration,
// and, for a timed-out monitor, the timeout as its duration.
func TestMonitorDone(t *testing.T) {
	c := clock.NewFake(time.Unix(1000, 0))
	typ := testType(map[string]string{"Operations": "OnOff", "MonitorTimeout": "7"})
	var timeout atomic.Bool
	up := newOnlineFake(ep.Online, ep.Offline)
	impl := &fakeEP{has: up.has, run: func(ctx context.Context, req ep.Request) ep.Result {
		r := up.run(ctx, req)
		if req.EP == ep.Monitor {
			r.Duration = 42 * time.Millisecond
			if timeout.Load() {
				r = ep.Result{Outcome: ep.TimedOut, Duration: req.Timeout + time.Millisecond}
			}
		}
		return r
	}}
	var mu sync.Mutex
	var seen []MonitorCycle
	a, err := New(Options{Type: typ, Impl: impl, Clock: c,
		MonitorDone: func(m MonitorCycle) { mu.Lock(); seen = append(seen, m); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	defer a.Stop(context.Background())
	r := testResource(typ, "r1")
	if err := a.Add(r); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	if err := a.Online("r1"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	if err := a.Probe("r1"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	timeout.Store(true)
	if err := a.Probe("r1"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 3 {
		t.Fatalf("saw %d monitor cycles, want at least 3 (probe, online confirmation, probe, timed-out probe)", len(seen))
	}
	if seen[0].State.State == state.Online {
		t.Errorf("first probe ran in state %s, want not ONLINE", seen[0].State)
	}
	online := seen[len(seen)-2]
	if online.State.State != state.Online || online.Duration != 42*time.Millisecond || online.TimedOut || online.Resource.Name != "r1" {
		t.Errorf("probe of the online resource: %+v", online)
	}
	last := seen[len(seen)-1]
	if !last.TimedOut || last.Duration != 7*time.Second || last.Timeout != 7*time.Second {
		t.Errorf("timed-out monitor: TimedOut %v, Duration %v, Timeout %v; want true, 7s, 7s", last.TimedOut, last.Duration, last.Timeout)
	}
}
