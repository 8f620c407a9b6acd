package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents"
	"github.com/vigil-ha/vigil/plugins/amfxml"
	"github.com/vigil-ha/vigil/plugins/imf"
	"github.com/vigil-ha/vigil/plugins/imf/process"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

// findPid returns a live PID whose command line is argv, or 0. It scans
// through procfs.ScanCmdlines, which allocates nothing per process: the
// harness calls it twice per kill, and the garbage of an os.ReadFile per
// process (about 0.2 MB a kill) set off collections that showed in the
// measured latencies.
func findPid(argv ...string) int {
	want := strings.Join(argv, "\x00")
	found := 0
	procfs.ScanCmdlines(func(pid int, cmdline []byte) bool {
		if string(cmdline) == want {
			found = pid
		}
		return found == 0
	})
	return found
}

// BenchmarkKillIMFProcessAgent: the real built-in Process agent (in
// process, its program started through the runner) with the bundled
// Process descriptor: kill -> state change and kill -> ONLINE again.
func BenchmarkKillIMFProcessAgent(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte("include \"types.cf\"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	typ := cfg.Types["Process"]
	d, err := amfxml.Load("../../../scripts/agents/Process/" + amfxml.FileName)
	if err != nil {
		b.Fatal(err)
	}
	run := runner.New(runner.Options{Logger: zap.NewNop()})
	defer run.Close()
	// As the daemon does: the launcher's shell exits at once, so each
	// killed program is an orphan, and without a subreaper here a zombie
	// of whatever pid 1 is (one that reaps late left one per kill in the
	// process table, which every monitor scan then read).
	if err := run.BecomeSubreaper(); err != nil {
		b.Fatal(err)
	}
	impl := inproc.New(mustAgent(b, run), inproc.Options{Type: typ})
	reg := imf.NewRegistry()
	var mgr *imf.Manager
	reg.Register(process.New(process.Options{Notify: func(n imf.Notice) { mgr.Notice(n) }}))
	mgr = imf.NewManager(imf.ManagerOptions{Registry: reg})
	defer mgr.Close()
	arg := strconv.Itoa(400000 + os.Getpid()%10000*7)
	r := &model.Resource{Name: "b1", Type: typ, Values: map[string]model.Value{
		"PathName": model.ScalarValue("/usr/bin/sleep"), "Arguments": model.ScalarValue(arg)},
		Overrides: map[string]model.Value{"RestartLimit": model.IntValue(1 << 30),
			"IMF": model.AssocValue(model.KV{Key: "Mode", Value: "2"}, model.KV{Key: "MonitorFreq", Value: "5"},
				model.KV{Key: "RegisterRetryLimit", Value: "3"})}}
	g := &rig{states: make(chan events.Event, 1024), mgr: mgr, pid: func() int { return findPid("/usr/bin/sleep", arg) }}
	timf := mgr.ForType("Process", d)
	a, err := agent.New(agent.Options{Type: typ, Impl: impl, IMF: timf, TimeUnit: unit, Observe: func(ob ep.Observation) {
		if os.Getenv("VIGIL_BENCH_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "  %s took %v (queued %v)\n", ob.Request.EP, ob.Result.Duration, ob.Started.Sub(ob.Queued))
		}
	}, Notify: func(e events.Event) {
		if e.Kind == events.KindState {
			g.states <- e
		}
	}})
	if err != nil {
		b.Fatal(err)
	}
	timf.Bind(func(res, cause string) {
		g.noticed.Store(time.Now().UnixNano())
		a.MonitorNow(res, cause)
	})
	g.a = a
	a.Start()
	defer func() {
		a.Stop(context.Background())
		if pid := g.pid(); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}()
	if err := a.Add(r); err != nil {
		b.Fatal(err)
	}
	g.waitState(b, "OFFLINE")
	if err := a.Online("b1"); err != nil {
		b.Fatal(err)
	}
	g.waitState(b, "ONLINE")
	killLoop(b, g)
}

func mustAgent(b *testing.B, run *runner.Runner) sdk.Agent {
	a, ok := agents.New("Process", agents.Deps{Runner: run, Clock: clock.Real{}})
	if !ok {
		b.Skip("no built-in Process agent")
	}
	return a
}
