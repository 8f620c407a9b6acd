package examples_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents"
	"github.com/vigil-ha/vigil/plugins/host"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
	"github.com/vigil-ha/vigil/plugins/sdk/sdktest"
	"github.com/vigil-ha/vigil/scripts"
)

// quantile returns the q-quantile of ds (sorted in place).
func quantile(ds []time.Duration, q float64) time.Duration {
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(q*float64(len(ds))))]
}

// BenchmarkMonitorKinds measures one monitor call of the same FileOnOff
// resource (file present: ONLINE) through the three kinds in one run, b.N
// calls each, one kind after the other: the built-in agent in the daemon's
// process, the fileonoff example as a go-plugin process, and the bundled
// FileOnOff script (the baseline).
func BenchmarkMonitorKinds(b *testing.B) {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	types := `include "types.cf"
type ExFileOnOff (
	static str ArgList[] = { PathName }
	str PathName
)
`
	cfg := sdktest.LoadConfig(b, types+fmt.Sprintf(`
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
FileOnOff f1 ( PathName = %q )
ExFileOnOff p1 ( PathName = %q )
`, dir+"/f", dir+"/f"), map[string]string{})
	run := runner.New(runner.Options{})
	defer run.Close()
	vcsHome := b.TempDir()
	if err := scripts.Materialise(vcsHome); err != nil {
		b.Fatal(err)
	}
	builtin, _ := agents.New("FileOnOff", agents.Deps{Runner: run})
	plugin, err := host.New(host.Options{Type: cfg.Types["ExFileOnOff"], Path: bins["fileonoff"]})
	if err != nil {
		b.Fatal(err)
	}
	defer plugin.Close()
	script, err := runner.NewScript(runner.ScriptOptions{Runner: run, TypeName: "FileOnOff",
		AgentDir: filepath.Join(vcsHome, "bin", "FileOnOff"), VCSHome: vcsHome})
	if err != nil {
		b.Fatal(err)
	}
	kinds := []struct {
		name string
		impl ep.Implementation
		res  string
	}{
		{"builtin", inproc.New(builtin, inproc.Options{Type: cfg.Types["FileOnOff"], Logger: zap.NewNop()}), "f1"},
		{"plugin", plugin, "p1"},
		{"script", script, "f1"},
	}
	took := make([][]time.Duration, len(kinds))
	b.ResetTimer()
	for k, kd := range kinds {
		for i := 0; i < b.N; i++ {
			req, err := agent.BuildRequest(agent.RequestSpec{EP: ep.Monitor, Resource: cfg.Resources[kd.res],
				Config: cfg, Version: arglist.V50})
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			r := kd.impl.Run(context.Background(), req)
			took[k] = append(took[k], time.Since(t0))
			if r.ExitCode != 110 {
				b.Fatalf("%s monitor: %s exit %d (%v)", kd.name, r.Outcome, r.ExitCode, r.Err)
			}
		}
	}
	b.StopTimer()
	med := map[string]time.Duration{}
	for k, kd := range kinds {
		med[kd.name] = quantile(took[k], 0.5)
		b.ReportMetric(float64(med[kd.name].Nanoseconds())/1e3, kd.name+"-p50-µs")
		b.ReportMetric(float64(quantile(took[k], 0.99).Nanoseconds())/1e3, kd.name+"-p99-µs")
	}
	b.ReportMetric(float64(med["script"])/float64(med["builtin"]), "script/builtin")
	b.ReportMetric(float64(med["script"])/float64(med["plugin"]), "script/plugin")
}

// BenchmarkPluginStartup measures launching the fileonoff plugin (process
// start, handshake with AutoMTLS, Describe) and closing it; the baseline in
// the same run is a bare fork+exec of the same binary with no handshake
// (it exits at once, refusing to run outside a host).
func BenchmarkPluginStartup(b *testing.B) {
	typ := sdktest.LoadConfig(b, "type ExFileOnOff ( static str ArgList[] = { PathName }\n str PathName )\n",
		map[string]string{}).Types["ExFileOnOff"]
	var start, bare []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		h, err := host.New(host.Options{Type: typ, Path: bins["fileonoff"]})
		if err != nil {
			b.Fatal(err)
		}
		start = append(start, time.Since(t0))
		h.Close()
		t0 = time.Now()
		exec.Command(bins["fileonoff"]).Run()
		bare = append(bare, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(quantile(start, 0.5).Microseconds())/1e3, "start-p50-ms")
	b.ReportMetric(float64(quantile(start, 0.99).Microseconds())/1e3, "start-p99-ms")
	b.ReportMetric(float64(quantile(bare, 0.5).Microseconds())/1e3, "bare-exec-p50-ms")
}

// processTypes is the Process type with MonitorInterval 10 and IMF off, so
// both kinds are measured polling.
const processTypes = `type Process (
	static int MonitorInterval = 10
	static int IMF{} = { Mode = 0, MonitorFreq = 1, RegisterRetryLimit = 3 }
	static str ArgList[] = { PathName, Arguments, UserName, PidFile }
	str PathName
	str Arguments
	str UserName = root
	str PidFile
)
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 }
	AutoStartList = { s1 } )
`

// cpuTicks returns the CPU time of pid and its reaped children.
func cpuTicks(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	var ticks int64
	for _, i := range []int{11, 12, 13, 14} { // utime stime cutime cstime
		n, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * time.Second / 100, nil
}

// BenchmarkProcessCPU runs a daemon (bin vigil agent) with 100 Process
// resources at MonitorInterval 10 s, once with the built-in agent and once
// with the bundled script agent, and reports its CPU time (children
// included) per resource per hour over a steady window.
func BenchmarkProcessCPU(b *testing.B) {
	window := 60 * time.Second
	if s := os.Getenv("VIGIL_BENCH_WINDOW"); s != "" {
		window, _ = time.ParseDuration(s)
	}
	per := map[string]float64{}
	for _, kind := range []string{"builtin", "script"} {
		cfgDir := b.TempDir()
		var res strings.Builder
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&res, "Process p%d ( PathName = \"/bin/sleep\"\n\tArguments = \"%d\" )\n", i, 7000+i)
		}
		os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte(processTypes+res.String()), 0o644)
		if kind == "script" {
			home := b.TempDir()
			if err := scripts.Materialise(home); err != nil {
				b.Fatal(err)
			}
			os.MkdirAll(filepath.Join(cfgDir, "agents"), 0o755)
			os.Symlink(filepath.Join(home, "bin", "Process"), filepath.Join(cfgDir, "agents", "Process"))
		}
		per[kind] = measureCPU(b, cfgDir, window)
		b.ReportMetric(per[kind], kind+"-cpu-ms/res/h")
	}
	b.ReportMetric(per["script"]/per["builtin"], "script/builtin")
}

func measureCPU(b *testing.B, cfgDir string, window time.Duration) float64 {
	tmp := b.TempDir()
	sock := filepath.Join(tmp, "vigil.sock")
	cmd := exec.Command(bins["vigil"], "agent", "--config", cfgDir, "--socket", sock, "--state-dir",
		filepath.Join(tmp, "state"), "--log-dir", filepath.Join(tmp, "log"), "--system", "s1")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		c := api.NewClient(sock)
		c.GroupOp(context.Background(), "g", "offline", wireWait())
		cmd.Process.Signal(unix.SIGTERM)
		cmd.Wait()
	}()
	c := api.NewClient(sock)
	ok := waitFor(func() bool {
		g, err := c.Group(context.Background(), "g")
		return err == nil && g.State == "ONLINE"
	})
	if !ok {
		b.Fatal("100 Process resources not ONLINE within 30 s")
	}
	time.Sleep(2 * time.Second) // let online's own work settle
	c0, _ := cpuTicks(cmd.Process.Pid)
	time.Sleep(window)
	c1, _ := cpuTicks(cmd.Process.Pid)
	return float64((c1 - c0).Milliseconds()) / 100 / window.Hours()
}
