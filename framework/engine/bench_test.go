package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// wideGroup returns a group of n independent resources, or a chain of n
// (each requiring the previous) when chain is set.
func wideGroup(n int, chain bool) *model.Config {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("r%04d", i)
	}
	b := newBuilder().group("g", map[string]model.Value{"AutoStart": model.ScalarValue("0")}, names...)
	if chain {
		for i := 1; i < n; i++ {
			b.requires(names[i], names[i-1])
		}
	}
	return b.cfg
}

// BenchmarkGroupOnline measures bringing a group online and offline through
// the engine against a fake agent whose operations complete at once, and,
// as the baseline in the same run, the same Online/Offline calls made
// directly on the fake agents with a wait for every completion event.
func BenchmarkGroupOnline(b *testing.B) {
	for _, tc := range []struct {
		name  string
		n     int
		chain bool
	}{{"independent-1000", 1000, false}, {"chain-100", 100, true}} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := wideGroup(tc.n, tc.chain)
			w := newWorld()
			w.delay = 0
			e, err := New(Options{Config: cfg, System: "n1", Bus: events.NewBus(1<<16, nil), NewAgent: w.factory})
			if err != nil {
				b.Fatal(err)
			}
			if err := e.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer e.Stop(context.Background())
			names := cfg.ResourceNames()
			var engineT, baseT time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := e.OnlineGroup(context.Background(), "g", true); err != nil {
					b.Fatal(err)
				}
				if err := e.OfflineGroup(context.Background(), "g", true); err != nil {
					b.Fatal(err)
				}
				engineT += time.Since(t0)
				t0 = time.Now()
				direct(e.agents["Proc"], names, tc.chain)
				baseT += time.Since(t0)
			}
			b.ReportMetric(float64(engineT.Microseconds())/float64(b.N)/1000, "engine-ms/op")
			b.ReportMetric(float64(baseT.Microseconds())/float64(b.N)/1000, "direct-ms/op")
			b.ReportMetric(float64(engineT)/float64(baseT), "ratio")
		})
	}
}

// direct drives the fake agent without the engine's planning: online every
// resource (in order, waiting for each when chained), then offline in
// reverse. Completion events still go through the engine's notify and bus.
func direct(agent Agent, names []string, chain bool) {
	for _, verb := range []state.Resource{state.Online, state.Offline} {
		var wg sync.WaitGroup
		order := names
		if verb == state.Offline {
			order = make([]string, len(names))
			for i, n := range names {
				order[len(names)-1-i] = n
			}
		}
		for _, n := range order {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					st, _ := agent.Status(n)
					if st.State.State == verb {
						return
					}
					time.Sleep(10 * time.Microsecond)
				}
			}()
			if verb == state.Online {
				agent.Online(n)
			} else {
				agent.Offline(n)
			}
			if chain {
				wg.Wait()
			}
		}
		wg.Wait()
	}
}

// BenchmarkResourceEvent measures the engine's handling of one resource
// state event (agent status re-read, group tally, group-state check, bus)
// in groups of 10 and 1,000 resources, against, as the baseline in the same
// run, publishing the same event on the bus alone. The cost per event does
// not grow with the group.
func BenchmarkResourceEvent(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("group-%d", n), func(b *testing.B) {
			w := newWorld()
			e, err := New(Options{Config: wideGroup(n, false), System: "n1", Bus: events.NewBus(1<<10, nil), NewAgent: w.factory})
			if err != nil {
				b.Fatal(err)
			}
			if err := e.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer e.Stop(context.Background())
			notify := w.notify["Proc"]
			states := [2]state.Resource{state.Online, state.Offline}
			var engineT, baseT time.Duration
			for i := 0; i < b.N; i++ {
				to := states[i%2]
				w.mu.Lock()
				w.state["r0000"] = to
				w.mu.Unlock()
				ev := events.Event{Kind: events.KindState, Resource: "r0000", Type: "Proc", Group: "g", To: to.String(), Cause: "monitor"}
				t0 := time.Now()
				notify(ev)
				engineT += time.Since(t0)
				t0 = time.Now()
				e.o.Bus.Publish(ev)
				baseT += time.Since(t0)
			}
			b.ReportMetric(float64(engineT.Nanoseconds())/float64(b.N), "engine-ns/event")
			b.ReportMetric(float64(baseT.Nanoseconds())/float64(b.N), "bus-ns/event")
			b.ReportMetric(float64(engineT)/float64(baseT), "ratio")
		})
	}
}
