package daemon

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/metrics"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
	"github.com/vigil-ha/vigil/framework/stats"
)

// BenchmarkMonitorStats measures what monitor statistics add to one monitor
// cycle: the daemon's MonitorDone hook (parameters resolved on the
// resource, the Book's rule, the monitor duration histogram, a notification
// now and then) for a resource with ComputeStats = 1 and for one with
// ComputeStats = 0, against, in the same loop, the work of two built-in
// monitors: the stat(2) of a FileOnOff monitor (the cheapest real monitor)
// and the read of /proc/<pid>/stat of a Process monitor. The agent's own
// part (a lock and a snapshot lookup) is left out: it is the same two map
// reads the request builder does for every entry point.
//
//	go test ./framework/daemon -run '^$' -bench MonitorStats -benchtime 200x
func BenchmarkMonitorStats(b *testing.B) {
	const block = 1000 // calls timed together, so the clock reads do not count
	file := filepath.Join(b.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	typ := &model.Type{Name: "Bench", Attrs: map[string]*model.AttrDef{}, Statics: map[string]model.Value{
		"MonitorStatsParam": model.AssocValue(model.KV{Key: "Frequency", Value: "5"}, model.KV{Key: "ExpectedValue", Value: "50"},
			model.KV{Key: "ValueThreshold", Value: "100"}, model.KV{Key: "AvgThreshold", Value: "40"})}}
	res := func(name, compute string) *model.Resource {
		return &model.Resource{Name: name, Type: typ, Values: map[string]model.Value{"ComputeStats": model.ScalarValue(compute)},
			Overrides: map[string]model.Value{}}
	}
	on, off := res("on", "1"), res("off", "0")
	d := &Daemon{book: stats.NewBook(0), met: metrics.New(nil)}
	notes := 0
	hook := d.monitorDone("Bench", func(events.Event) { notes++ })
	online := state.ResourceState{State: state.Online}
	start := time.Now()
	cycle := func(r *model.Resource, i int) agent.MonitorCycle {
		ms := 40 + i%20 // 40..59 ms, a 150 ms spike every 97 cycles
		if i%97 == 0 {
			ms = 150
		}
		return agent.MonitorCycle{Resource: r, State: online, Duration: time.Duration(ms) * time.Millisecond,
			Timeout: time.Minute, End: start.Add(time.Duration(i) * time.Second)}
	}
	var base, proc, statsOn, statsOff time.Duration
	i := 0
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		for range block {
			if _, err := os.Stat(file); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for k := range block {
			hook(cycle(on, i+k))
		}
		t2 := time.Now()
		for k := range block {
			hook(cycle(off, i+k))
		}
		t3 := time.Now()
		for range block {
			if _, err := os.ReadFile("/proc/self/stat"); err != nil {
				b.Fatal(err)
			}
		}
		t4 := time.Now()
		i += block
		base, statsOn, statsOff, proc = base+t1.Sub(t0), statsOn+t2.Sub(t1), statsOff+t3.Sub(t2), proc+t4.Sub(t3)
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N*block) }
	b.ReportMetric(per(base), "ns/stat-baseline")
	b.ReportMetric(per(proc), "ns/procstat-baseline")
	b.ReportMetric(per(statsOn)/per(proc), "on/procstat")
	b.ReportMetric(per(statsOn), "ns/cycle-stats-on")
	b.ReportMetric(per(statsOff), "ns/cycle-stats-off")
	b.ReportMetric(per(statsOn)/per(base), "on/baseline")
	b.ReportMetric(per(statsOff)/per(base), "off/baseline")
	b.ReportMetric(float64(notes), "notifications")
}
