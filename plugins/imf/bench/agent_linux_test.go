package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/amfxml"
	"github.com/vigil-ha/vigil/plugins/imf"
	"github.com/vigil-ha/vigil/plugins/imf/process"
)

const descriptor = `<xml><Register><RegType>PRON</RegType><ProcPattern>${PathName} ${Arguments}</ProcPattern></Register></xml>`

// procImpl is a Process-like implementation: online starts a sleep, clean
// kills it, monitor checks /proc/<pid>/stat in-process (built-in style) or
// through sh (script style).
type procImpl struct {
	script bool
	arg    string
	mu     sync.Mutex
	pid    int
}

func (p *procImpl) Has(n ep.Name) bool {
	return n == ep.Monitor || n == ep.Online || n == ep.Offline || n == ep.Clean
}

func (p *procImpl) Run(ctx context.Context, req ep.Request) ep.Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	code := 0
	switch req.EP {
	case ep.Online:
		c := exec.Command("/usr/bin/sleep", p.arg)
		if err := c.Start(); err != nil {
			return ep.Result{Outcome: ep.ExecError, Err: err}
		}
		p.pid = c.Process.Pid
		go c.Wait()
	case ep.Offline, ep.Clean:
		syscall.Kill(p.pid, syscall.SIGKILL)
	case ep.Monitor:
		code = p.monitor()
	}
	return ep.Result{Outcome: ep.Exited, ExitCode: code}
}

func (p *procImpl) monitor() int {
	if p.script {
		err := exec.Command("/bin/sh", "-c", `read l < /proc/$1/stat 2>/dev/null || exit 100
case "${l##*) }" in Z*|X*) exit 100 ;; esac
exit 110`, "sh", strconv.Itoa(p.pid)).Run()
		if err == nil {
			return 0
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 100
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/stat")
	if err != nil {
		return 100
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i < 0 || i+2 >= len(s) || s[i+2] == 'Z' || s[i+2] == 'X' {
		return 100
	}
	return 110
}

func (p *procImpl) current() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pid
}

// rig is one agent with one resource, IMF on (Mode 2) or off (polling).
type rig struct {
	a       *agent.Agent
	impl    *procImpl
	pid     func() int // the resource's process now
	mgr     *imf.Manager
	states  chan events.Event
	noticed atomic.Int64 // when the last IMF notice asked for a monitor
	obsMu   sync.Mutex
	obs     []ep.Observation
}

// unit scales attribute seconds: MonitorInterval 60 polls every 0.6 s, the
// IMF settle time is 10 ms.
const unit = 10 * time.Millisecond

func newRig(tb testing.TB, withIMF, script bool) *rig {
	tb.Helper()
	arg := strconv.Itoa(200000 + os.Getpid()%100000*7 + int(time.Now().UnixNano()%1000))
	g := &rig{impl: &procImpl{script: script, arg: arg}, states: make(chan events.Event, 1024)}
	g.pid = g.impl.current
	mode := 0
	if withIMF {
		mode = 2
	}
	typ := &model.Type{Name: "BenchProc", Attrs: map[string]*model.AttrDef{
		"PathName": {Name: "PathName", Dim: model.Scalar}, "Arguments": {Name: "Arguments", Dim: model.Scalar}},
		Statics: map[string]model.Value{
			"ArgList": model.ListValue(model.Vector, "PathName", "Arguments"),
			"IMF": model.AssocValue(model.KV{Key: "Mode", Value: strconv.Itoa(mode)}, model.KV{Key: "MonitorFreq", Value: "5"},
				model.KV{Key: "RegisterRetryLimit", Value: "3"}),
			"MonitorInterval": model.IntValue(60), "OfflineMonitorInterval": model.IntValue(60),
			"RestartLimit": model.IntValue(1 << 30), "ToleranceLimit": model.IntValue(0)}}
	r := &model.Resource{Name: "b1", Type: typ, Values: map[string]model.Value{
		"PathName": model.ScalarValue("/usr/bin/sleep"), "Arguments": model.ScalarValue(arg)}, Overrides: map[string]model.Value{}}
	o := agent.Options{Type: typ, Impl: g.impl, TimeUnit: unit, Observe: func(ob ep.Observation) {
		if ob.Request.EP == ep.Monitor {
			g.obsMu.Lock()
			g.obs = append(g.obs, ob)
			g.obsMu.Unlock()
		}
	}, Notify: func(e events.Event) {
		if e.Kind == events.KindState {
			g.states <- e
		}
	}}
	var timf *imf.TypeIMF
	if withIMF {
		d, err := amfxml.Parse(strings.NewReader(descriptor), "bench.xml")
		if err != nil {
			tb.Fatal(err)
		}
		reg := imf.NewRegistry()
		var mgr *imf.Manager
		reg.Register(process.New(process.Options{Notify: func(n imf.Notice) { mgr.Notice(n) }}))
		mgr = imf.NewManager(imf.ManagerOptions{Registry: reg})
		g.mgr, timf = mgr, mgr.ForType(typ.Name, d)
		o.IMF = timf
	}
	a, err := agent.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	if timf != nil {
		timf.Bind(func(res, cause string) {
			g.noticed.Store(time.Now().UnixNano())
			a.MonitorNow(res, cause)
		})
	}
	g.a = a
	a.Start()
	if err := a.Add(r); err != nil {
		tb.Fatal(err)
	}
	g.waitState(tb, "OFFLINE")
	if err := a.Online("b1"); err != nil {
		tb.Fatal(err)
	}
	g.waitState(tb, "ONLINE")
	tb.Cleanup(func() {
		a.Stop(context.Background())
		syscall.Kill(g.impl.current(), syscall.SIGKILL)
		if g.mgr != nil {
			g.mgr.Close()
		}
	})
	return g
}

func (g *rig) waitState(tb testing.TB, prefix string) time.Time {
	tb.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e := <-g.states:
			if strings.HasPrefix(e.To, prefix) {
				return e.Time // stamped by the agent when it reported the change
			}
		case <-deadline:
			tb.Fatalf("no state %s", prefix)
		}
	}
}

// waitRegistered waits until the resource is registered with its current pid.
func (g *rig) waitRegistered(tb testing.TB) {
	if g.mgr == nil {
		return
	}
	pid := "[" + strconv.Itoa(g.pid()) + "]"
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for _, p := range g.mgr.Plugins() {
			for _, w := range p.Watches {
				if w.Resource == "b1" && strings.Contains(w.What, pid) {
					return
				}
			}
		}
	}
	tb.Fatal("not registered")
}

func pct(d []time.Duration, p int) float64 {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := min(len(s)-1, len(s)*p/100)
	return float64(s[i].Microseconds())
}

// killLoop kills the resource's process b.N times, measuring kill -> state
// change and kill -> ONLINE again.
func killLoop(b *testing.B, g *rig) {
	var toState, toOnline, toNotice, monitor []time.Duration
	for i := 0; i < b.N; i++ {
		g.waitRegistered(b)
		if g.mgr == nil {
			// Polling: kill at a uniformly random phase of the interval.
			time.Sleep(rand.N(60 * unit))
		}
		for len(g.states) > 0 {
			<-g.states
		}
		pid := g.pid()
		t0 := time.Now()
		syscall.Kill(pid, syscall.SIGKILL)
		t1 := g.waitState(b, "OFFLINE")
		if os.Getenv("VIGIL_BENCH_DEBUG") != "" && t1.Sub(t0) > 10*time.Millisecond {
			fmt.Fprintf(os.Stderr, "slow: state %v notice %v\n", t1.Sub(t0), time.Unix(0, g.noticed.Load()).Sub(t0))
			g.obsMu.Lock()
			for _, ob := range g.obs[max(0, len(g.obs)-3):] {
				fmt.Fprintf(os.Stderr, "   monitor queued %v started %v took %v exit %d\n", ob.Queued.Sub(t0), ob.Started.Sub(t0), ob.Result.Duration, ob.Result.ExitCode)
			}
			g.obsMu.Unlock()
		}
		t2 := g.waitState(b, "ONLINE")
		toState, toOnline = append(toState, t1.Sub(t0)), append(toOnline, t2.Sub(t0))
		if g.mgr != nil {
			noticed := time.Unix(0, g.noticed.Load())
			toNotice, monitor = append(toNotice, noticed.Sub(t0)), append(monitor, t1.Sub(noticed))
		}
	}
	b.ReportMetric(pct(toState, 50), "state-p50-µs")
	b.ReportMetric(pct(toState, 99), "state-p99-µs")
	b.ReportMetric(pct(toOnline, 50), "online-p50-µs")
	b.ReportMetric(pct(toOnline, 99), "online-p99-µs")
	b.ReportMetric(0, "ns/op")
	if len(toNotice) > 0 {
		b.ReportMetric(pct(toNotice, 50), "notice-p50-µs")
		b.ReportMetric(pct(toNotice, 99), "notice-p99-µs")
		// notice -> state change: the queued monitor and its run.
		b.ReportMetric(pct(monitor, 50), "monitor-p50-µs")
		b.ReportMetric(pct(monitor, 99), "monitor-p99-µs")
	}
	if b.N == 1 {
		return // the benchmark framework's first probing run
	}
	fmt.Fprintf(os.Stderr, "%s: n=%d kill->state p50 %.0f µs p99 %.0f µs; kill->ONLINE p50 %.0f µs p99 %.0f µs\n",
		b.Name(), len(toState), pct(toState, 50), pct(toState, 99), pct(toOnline, 50), pct(toOnline, 99))
}

// BenchmarkKillIMFBuiltin: IMF with an in-process (built-in style) monitor.
func BenchmarkKillIMFBuiltin(b *testing.B) { killLoop(b, newRig(b, true, false)) }

// BenchmarkKillIMFScript: IMF with a monitor that forks sh (script style).
func BenchmarkKillIMFScript(b *testing.B) { killLoop(b, newRig(b, true, true)) }

// BenchmarkKillPolling: no IMF; MonitorInterval 60 scaled to 0.6 s (at
// full scale, 60 s: the figures scale by 100).
func BenchmarkKillPolling(b *testing.B) { killLoop(b, newRig(b, false, false)) }
