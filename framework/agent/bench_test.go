package agent

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// lateness collects (actual start − due time) samples.
type lateness struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *lateness) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *lateness) pct(p float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// timerBaseline measures how late a bare clock.Real timer fires: the floor
// under any scheduling delay of the agent.
func timerBaseline(n int, every time.Duration) *lateness {
	l := &lateness{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		due := time.Now().Add(every + time.Duration(i%100)*time.Microsecond)
		clock.Real{}.AfterFunc(time.Until(due), func() {
			l.add(time.Since(due))
			wg.Done()
		})
	}
	wg.Wait()
	return l
}

// BenchmarkMonitorScheduling runs 1,000 resources of one type with
// NumThreads=10 and MonitorInterval 1 s (real clock) for a few seconds, with
// a monitor that costs a fixed time, and reports the distribution of
// (actual start − due time) of the periodic monitors, against the lateness
// of bare timers measured in the same run. The last case (15 ms per
// monitor: 667 monitors/s of capacity for 1,000/s of demand) overloads the
// workers on purpose: lateness grows, but the FIFO ready queue keeps every
// resource at the same number of monitors. Run it with
//
//	go test ./framework/agent -run '^$' -bench MonitorScheduling -benchtime 1x
func BenchmarkMonitorScheduling(b *testing.B) {
	const resources, window = 1000, 4 * time.Second
	for _, cost := range []time.Duration{0, 200 * time.Microsecond, 2 * time.Millisecond, 15 * time.Millisecond} {
		b.Run("monitor="+cost.String(), func(b *testing.B) {
			for range b.N {
				base := timerBaseline(resources, 50*time.Millisecond)
				late, counts := runScheduling(b, resources, cost, window)
				lo, hi := slices.Min(counts), slices.Max(counts)
				b.ReportMetric(float64(late.pct(0.5).Microseconds()), "p50-µs")
				b.ReportMetric(float64(late.pct(0.99).Microseconds()), "p99-µs")
				b.ReportMetric(float64(late.pct(1).Microseconds()), "max-µs")
				b.ReportMetric(float64(base.pct(0.99).Microseconds()), "timer-p99-µs")
				b.ReportMetric(float64(lo), "min-monitors")
				b.ReportMetric(float64(hi), "max-monitors")
				b.Logf("monitor cost %s: %d samples; lateness p50 %s p99 %s max %s; bare timer p50 %s p99 %s "+
					"(p99 ratio %.1fx); monitors per resource %d..%d in %s", cost, len(late.d), late.pct(0.5),
					late.pct(0.99), late.pct(1), base.pct(0.5), base.pct(0.99),
					float64(late.pct(0.99))/float64(max(base.pct(0.99), 1)), lo, hi, window)
			}
		})
	}
}

func runScheduling(b *testing.B, n int, cost, window time.Duration) (*lateness, []int) {
	typ := testType(map[string]string{"MonitorInterval": "1", "OfflineMonitorInterval": "1", "NumThreads": "10"})
	var mu sync.Mutex
	counts := map[string]int{}
	impl := &fakeEP{has: func(n ep.Name) bool { return n == ep.Monitor }}
	impl.run = func(_ context.Context, req ep.Request) ep.Result {
		if cost > 0 {
			time.Sleep(cost)
		}
		mu.Lock()
		counts[req.Resource]++
		mu.Unlock()
		return ep.Result{ExitCode: 100}
	}
	impl.has = func(n ep.Name) bool { return n == ep.Monitor }
	late := &lateness{}
	a, err := New(Options{Type: typ, Impl: &countless{impl}, Clock: clock.Real{}})
	if err != nil {
		b.Fatal(err)
	}
	a.monitorDelay = late.add
	for i := range n {
		r := &model.Resource{Name: "r" + strconv.Itoa(i), Type: typ, Values: map[string]model.Value{},
			Overrides: map[string]model.Value{}}
		if err := a.Add(r); err != nil {
			b.Fatal(err)
		}
	}
	a.Start()
	time.Sleep(window)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	out := make([]int, 0, n)
	for i := range n {
		out = append(out, counts["r"+strconv.Itoa(i)])
	}
	if len(late.d) == 0 {
		b.Fatal(fmt.Errorf("no periodic monitor ran"))
	}
	return late, out
}

// countless runs a fakeEP without logging its calls (the log would grow
// without bound in a benchmark).
type countless struct{ f *fakeEP }

func (c *countless) Has(n ep.Name) bool { return c.f.has(n) }
func (c *countless) Run(ctx context.Context, req ep.Request) ep.Result {
	return c.f.run(ctx, req)
}
