package daemon

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// loadInterval is the MonitorInterval of the load benchmark's resources.
const loadInterval = 5 * time.Second

// loadConfig writes a main.cf of n FileOnOff resources (built-in agent) in
// groups of 100, none started automatically, their files under dir.
func loadConfig(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("include \"types.cf\"\n\nsystem n1\n\n")
	for g := 0; g*100 < n; g++ {
		fmt.Fprintf(&sb, "group g%03d (\n\tSystemList = { n1 = 0 }\n\tAutoStart = 0\n)\n\n", g)
		for i := g * 100; i < min(n, (g+1)*100); i++ {
			fmt.Fprintf(&sb, "\tFileOnOff f%05d (\n\t\tPathName = \"%s/f%05d\"\n\t\tMonitorInterval = %d\n\t)\n\n",
				i, filepath.Join(dir, "files"), i, int(loadInterval/time.Second))
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rssKiB() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// BenchmarkLoad starts the daemon in-process with 1,000 and 5,000 FileOnOff
// resources (MonitorInterval 5) and reports, in one run: the time until
// every resource is probed (ready), the time a mass online of every group
// takes until all are ONLINE, the worst time since the last monitor of any
// ONLINE resource during the mass online and one MonitorInterval after it
// (target: under 2 x MonitorInterval), the daemon's CPU time per resource
// during the mass online and its share of one core in the steady state
// after, the RSS per resource, and the median `vigil status` latency.
//
// The "slow-online" runs make every online take 50 ms (the built-in
// FileOnOff behind a wrapper), so that the mass online keeps the
// NumThreads workers busy for seconds, as script onlines do: that is when
// the monitors of ONLINE resources must still keep their interval.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		for _, slow := range []time.Duration{0, 50 * time.Millisecond} {
			name := strconv.Itoa(n)
			if slow > 0 {
				name += "-slow-online"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					loadRun(b, n, slow)
				}
			})
		}
	}
}

// slowOnline wraps an implementation so that online takes d longer.
type slowOnline struct {
	ep.Implementation
	d time.Duration
}

func (s slowOnline) Run(ctx context.Context, req ep.Request) ep.Result {
	if req.EP == ep.Online {
		select {
		case <-time.After(s.d):
		case <-ctx.Done():
		}
	}
	return s.Implementation.Run(ctx, req)
}

// slowRegistry serves FileOnOff with onlines d slower.
func slowRegistry(d time.Duration) *Registry {
	r := DefaultRegistry()
	builtin := BuiltinKind()
	r.Register(Kind{Name: "slow-builtin", Priority: -1, Open: func(t *model.Type, c OpenContext) (ep.Implementation, error) {
		impl, err := builtin.Open(t, c)
		if err != nil {
			return nil, err
		}
		return slowOnline{impl, d}, nil
	}})
	return r
}

func loadRun(b *testing.B, n int, slow time.Duration) {
	cfg := loadConfig(b, n)
	tmp := b.TempDir()
	s := Settings{Config: cfg, Socket: filepath.Join(tmp, "vigil.sock"), StateDir: filepath.Join(tmp, "state"),
		LogDir: filepath.Join(tmp, "log"), System: "n1", StopTimeout: time.Minute, Stderr: io.Discard}
	if slow > 0 {
		s.Registry = slowRegistry(slow)
	}
	rss0 := rssKiB()
	start := time.Now()
	d, err := New(s)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case <-d.Ready():
	case err := <-done:
		b.Fatalf("daemon ended: %v", err)
	}
	probed := time.Since(start)
	c := api.NewClient(s.Socket)
	rctx := context.Background()

	// Mass online: every group at once.
	cpu0, t0 := cpuTime(), time.Now()
	groups, err := c.Groups(rctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range groups {
		if err := c.GroupOp(rctx, g.Name, "online", wire.OpRequest{}); err != nil {
			b.Fatal(err)
		}
	}
	worst, allOnline := time.Duration(0), time.Duration(0)
	var steadyFrom time.Time
	var steadyCPU time.Duration
	for {
		rs, err := c.Resources(rctx)
		if err != nil {
			b.Fatal(err)
		}
		now, online := time.Now(), 0
		for _, r := range rs {
			if r.State != "ONLINE" {
				continue
			}
			online++
			if r.LastMonitor != nil {
				worst = max(worst, now.Sub(*r.LastMonitor))
			}
		}
		if online == n && allOnline == 0 {
			allOnline = time.Since(t0)
			steadyFrom, steadyCPU = time.Now(), cpuTime()
			b.ReportMetric(float64((steadyCPU-cpu0).Microseconds())/1000/float64(n), "cpu-ms/resource-online")
		}
		if allOnline > 0 && time.Since(steadyFrom) > loadInterval+time.Second {
			break
		}
		if time.Since(t0) > 10*time.Minute {
			b.Fatalf("%d of %d ONLINE after 10 minutes", online, n)
		}
		time.Sleep(250 * time.Millisecond)
	}
	steadyShare := float64(cpuTime()-steadyCPU) / float64(time.Since(steadyFrom))
	var lat []time.Duration
	for range 21 {
		t := time.Now()
		if _, err := c.Status(rctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(probed.Seconds(), "s-all-probed")
	b.ReportMetric(allOnline.Seconds(), "s-all-online")
	b.ReportMetric(worst.Seconds(), "s-worst-since-monitor")
	b.ReportMetric(worst.Seconds()/loadInterval.Seconds(), "worst/MonitorInterval")
	b.ReportMetric(steadyShare*100, "%core-steady")
	b.ReportMetric(float64(rssKiB()-rss0)/float64(n), "KiB-rss/resource")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-status-p50")
}
