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
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				loadRun(b, n)
			}
		})
	}
}

func loadRun(b *testing.B, n int) {
	cfg := loadConfig(b, n)
	tmp := b.TempDir()
	s := Settings{Config: cfg, Socket: filepath.Join(tmp, "vigil.sock"), StateDir: filepath.Join(tmp, "state"),
		LogDir: filepath.Join(tmp, "log"), System: "n1", StopTimeout: time.Minute, Stderr: io.Discard}
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
