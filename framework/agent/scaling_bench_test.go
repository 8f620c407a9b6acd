package agent

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

// BenchmarkOnlineScaling brings 1,000 independent resources of one type
// online with NumThreads 1, 10 and 30, with an online entry point that costs
// 2 ms (about a script's fork, exec and work) and a free monitor, and
// reports the wall time from the first Online call until every resource is
// ONLINE, with the speed-up over NumThreads=1 measured in the same run.
// Run it with
//
//	go test ./framework/agent -run '^$' -bench OnlineScaling -benchtime 1x
func BenchmarkOnlineScaling(b *testing.B) {
	const resources, cost = 1000, 2 * time.Millisecond
	for range b.N {
		var base time.Duration
		for _, threads := range []int{1, 10, 30} {
			d := onlineAll(b, resources, threads, cost)
			if threads == 1 {
				base = d
			}
			b.ReportMetric(float64(d.Milliseconds()), "ms-threads"+strconv.Itoa(threads))
			if threads > 1 {
				b.ReportMetric(float64(base)/float64(d), "speedup-threads"+strconv.Itoa(threads))
			}
			b.Logf("NumThreads %2d: %d resources online in %s (%.1fx NumThreads=1)",
				threads, resources, d, float64(base)/float64(d))
		}
	}
}

// onlineAll probes n offline resources, then asks every one online and
// returns how long it took until all reported ONLINE.
func onlineAll(b *testing.B, n, threads int, cost time.Duration) time.Duration {
	typ := testType(map[string]string{"NumThreads": strconv.Itoa(threads), "MonitorInterval": "60",
		"OfflineMonitorInterval": "60", "OnlineWaitLimit": "0"})
	var mu sync.Mutex
	up := map[string]bool{}
	online := make(chan struct{}, n)
	impl := &fakeEP{has: func(n ep.Name) bool { return n == ep.Monitor || n == ep.Online }}
	impl.run = func(_ context.Context, req ep.Request) ep.Result {
		if req.EP == ep.Online {
			time.Sleep(cost)
			mu.Lock()
			up[req.Resource] = true
			mu.Unlock()
			return ep.Result{}
		}
		mu.Lock()
		defer mu.Unlock()
		if up[req.Resource] {
			return ep.Result{ExitCode: 110}
		}
		return ep.Result{ExitCode: 100}
	}
	notify := func(e events.Event) {
		if e.Kind == events.KindState && e.To == "ONLINE" {
			online <- struct{}{}
		}
	}
	a, err := New(Options{Type: typ, Impl: &countless{impl}, Clock: clock.Real{}, Notify: notify})
	if err != nil {
		b.Fatal(err)
	}
	a.Start()
	for i := range n {
		if err := a.Add(testResource(typ, "r"+strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
	for end := time.Now().Add(60 * time.Second); !allOffline(a); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			b.Fatal("probe: not every resource OFFLINE within 60 s")
		}
	}
	start := time.Now()
	for i := range n {
		if err := a.Online("r" + strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
	wait(b, online, n, "online")
	d := time.Since(start)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	return d
}

func allOffline(a *Agent) bool {
	for _, st := range a.List() {
		if st.State != (state.ResourceState{State: state.Offline}) {
			return false
		}
	}
	return true
}

func wait(b *testing.B, ch <-chan struct{}, n int, what string) {
	deadline := time.After(60 * time.Second)
	for range n {
		select {
		case <-ch:
		case <-deadline:
			b.Fatalf("%s: not every resource got there within 60 s", what)
		}
	}
}
