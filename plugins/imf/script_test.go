package imf

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// fakeEPs runs imf_init and imf_register with exit codes from fields.
type fakeEPs struct {
	mu       sync.Mutex
	initExit int
	regExit  int
	calls    []string
}

func (f *fakeEPs) Has(n ep.Name) bool { return true }
func (f *fakeEPs) Run(_ context.Context, req ep.Request) ep.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, string(req.EP)+" "+strings.Join(req.Args, " "))
	code := f.regExit
	if req.EP == ep.IMFInit {
		code = f.initExit
	}
	return ep.Result{Outcome: ep.Exited, ExitCode: code}
}

// fakeLong is an imf_getnotification that prints lines, then exits.
type fakeLong struct{ res ep.Result }

func (f fakeLong) Result() ep.Result { return f.res }

func TestScriptIMF(t *testing.T) {
	rc := &rec{mons: make(chan string, 64)}
	m := NewManager(ManagerOptions{Publish: rc.publish})
	eps := &fakeEPs{}
	starts := make(chan func([]byte), 8)
	exits := make(chan int, 8)
	s := m.ForScript("S", ScriptOptions{Impl: eps, Backoff: time.Millisecond,
		Build: func(n ep.Name, r *model.Resource, x arglist.Extra) (ep.Request, error) {
			return ep.Request{EP: n, Resource: r.Name, Args: []string{r.Name, map[bool]string{true: "start", false: "stop"}[x.MonitorOn],
				map[bool]string{true: "online", false: "offline"}[x.StateOnline]}}, nil
		},
		Start: func(ctx context.Context, req ep.Request, lines func([]byte)) (ep.Long, error) {
			starts <- lines
			select {
			case code := <-exits:
				return fakeLong{ep.Result{Outcome: ep.Exited, ExitCode: code}}, nil
			case <-ctx.Done():
				return fakeLong{ep.Result{Outcome: ep.Canceled}}, nil
			}
		}})
	s.Bind(func(res, cause string) { rc.mons <- res + ":" + cause })
	r := &model.Resource{Name: "r1", Type: &model.Type{Name: "S"}}
	if err := s.Register(r, true); err != nil {
		t.Fatal(err)
	}
	lines := <-starts
	lines([]byte("r1 offline"))
	if got := <-rc.mons; got != "r1:imf" {
		t.Errorf("monitor %q", got)
	}
	lines([]byte("nosuch"))
	exits <- 1 // the notifier dies: restarted, and every registered resource monitored
	<-starts
	if got := <-rc.mons; got != "r1:imf" {
		t.Errorf("rescan monitor %q", got)
	}
	s.Unregister("r1")
	exits <- ExitCritical
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(rc.kinds(), string(events.KindIMFFallback)) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := s.Register(r, true); err == nil {
		t.Error("registered after a critical notifier failure")
	}
	m.Close()
	eps.mu.Lock()
	defer eps.mu.Unlock()
	want := "imf_init S|imf_register r1 start online|imf_register r1 stop online"
	if got := strings.Join(eps.calls, "|"); got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
	if k := rc.kinds(); k != "imf-registered imf-event imf-rescan imf-unregistered imf-fallback" {
		t.Errorf("events %q", k)
	}
}
