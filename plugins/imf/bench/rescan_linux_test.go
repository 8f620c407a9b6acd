package bench

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// handImpl monitors, per resource, the process the test started by hand.
type handImpl struct {
	mu   sync.Mutex
	pids map[string]int
}

func (h *handImpl) Has(n ep.Name) bool { return n == ep.Monitor }

func (h *handImpl) Run(_ context.Context, req ep.Request) ep.Result {
	h.mu.Lock()
	pid := h.pids[req.Resource]
	h.mu.Unlock()
	code := 100
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); pid > 0 && err == nil {
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i > 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X' {
			code = 110
		}
	}
	return ep.Result{Outcome: ep.Exited, ExitCode: code}
}

// TestLostEventsRescan: three OFFLINE resources registered for PROFF on a
// proc connector with a minimal receive buffer; during a fork storm the
// processes of two of them are started by hand. The kernel drops events
// (ENOBUFS), the plugin reports a rescan, every registered resource is
// monitored, and the states end right: the two ONLINE, the third OFFLINE.
// Polling (OfflineMonitorInterval 300 s) cannot explain it within the wait.
func TestLostEventsRescan(t *testing.T) {
	var rescans atomic.Int64
	reg := imf.NewRegistry()
	var mgr *imf.Manager
	reg.Register(process.New(process.Options{Conn: process.ConnOptions{RcvBuf: 1}, Notify: func(n imf.Notice) { mgr.Notice(n) }}))
	mgr = imf.NewManager(imf.ManagerOptions{Registry: reg, Publish: func(e events.Event) {
		if e.Kind == events.KindIMFRescan {
			rescans.Add(1)
		}
	}})
	defer mgr.Close()
	d, err := amfxml.Parse(strings.NewReader(`<xml><Register><RegType>PROFF</RegType><Path>${PathName}</Path><args>${Arguments}</args></Register></xml>`), "t.xml")
	if err != nil {
		t.Fatal(err)
	}
	typ := &model.Type{Name: "Hand", Attrs: map[string]*model.AttrDef{
		"PathName": {Name: "PathName", Dim: model.Scalar}, "Arguments": {Name: "Arguments", Dim: model.Scalar}},
		Statics: map[string]model.Value{
			"ArgList": model.ListValue(model.Vector, "PathName", "Arguments"),
			"IMF": model.AssocValue(model.KV{Key: "Mode", Value: "1"}, model.KV{Key: "MonitorFreq", Value: "5"},
				model.KV{Key: "RegisterRetryLimit", Value: "3"}),
			"MonitorInterval": model.IntValue(300), "OfflineMonitorInterval": model.IntValue(300)}}
	impl := &handImpl{pids: map[string]int{}}
	var mu sync.Mutex
	st := map[string]string{}
	timf := mgr.ForType("Hand", d)
	a, err := agent.New(agent.Options{Type: typ, Impl: impl, IMF: timf, Notify: func(e events.Event) {
		if e.Kind == events.KindState {
			mu.Lock()
			st[e.Resource] = e.To
			mu.Unlock()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	timf.Bind(a.MonitorNow)
	a.Start()
	defer a.Stop(context.Background())
	base := 300000 + os.Getpid()%10000*10
	args := map[string]string{}
	for i, name := range []string{"h1", "h2", "h3"} {
		args[name] = strconv.Itoa(base + i)
		r := &model.Resource{Name: name, Type: typ, Values: map[string]model.Value{
			"PathName": model.ScalarValue("/usr/bin/sleep"), "Arguments": model.ScalarValue(args[name])}, Overrides: map[string]model.Value{}}
		if err := a.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	until := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("timed out waiting for %s", what)
	}
	until("three resources registered offline", func() bool {
		n := 0
		for _, r := range mgr.Registrations() {
			if r.Registered && !r.Online {
				n++
			}
		}
		return n == 3
	})
	storm := exec.Command("sh", "-c", "i=0; while [ $i -lt 64 ]; do (j=0; while [ $j -lt 100 ]; do /bin/true; j=$((j+1)); done) & i=$((i+1)); done; wait")
	if err := storm.Start(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"h1", "h2"} {
		c := exec.Command("/usr/bin/sleep", args[name])
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { c.Process.Kill(); c.Wait() }()
		impl.mu.Lock()
		impl.pids[name] = c.Process.Pid
		impl.mu.Unlock()
	}
	storm.Wait()
	until("h1 and h2 ONLINE", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return st["h1"] == "ONLINE" && st["h2"] == "ONLINE"
	})
	if rescans.Load() == 0 {
		t.Fatal("no rescan: the storm did not overrun the minimal buffer")
	}
	mu.Lock()
	defer mu.Unlock()
	if st["h3"] != "OFFLINE" {
		t.Errorf("h3 is %s, want OFFLINE", st["h3"])
	}
}
