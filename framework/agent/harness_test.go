package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/resstate/scenario"
)

// scenarioDir holds the scenario files shared with package resstate.
const scenarioDir = "../../testdata/scenarios"

// notableKinds are the notification kinds compared between the pure run
// and the agent run (informational ones are left out).
var notableKinds = []events.Kind{events.KindFault, events.KindRestart, events.KindClean, events.KindMonitorTimeout,
	events.KindOnlineFailed, events.KindOfflineFailed, events.KindAdminWait}

// recorder collects agent events.
type recorder struct {
	mu      sync.Mutex
	reports []string
	notes   []string
	all     []events.Event
}

func (rc *recorder) notify(e events.Event) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.all = append(rc.all, e)
	switch {
	case e.Kind == events.KindState:
		rc.reports = append(rc.reports, e.To)
	case slices.Contains(notableKinds, e.Kind):
		rc.notes = append(rc.notes, string(e.Kind))
	}
}

func (rc *recorder) snapshot() ([]string, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.reports...), append([]string(nil), rc.notes...)
}

func notable(notes []string) []string {
	var out []string
	for _, n := range notes {
		if slices.Contains(notableKinds, events.Kind(n)) {
			out = append(out, n)
		}
	}
	return out
}

// activity returns the entry point running for name ("" if none) and the
// number of jobs queued or running.
func (a *Agent) activity(name string) (ep.Name, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, ok := a.res[name]
	if !ok {
		return "", 0
	}
	n := len(res.queue)
	if res.running == nil {
		return "", n
	}
	switch res.running.kind {
	case jobMonitor:
		return ep.Monitor, n + 1
	case jobEP:
		return res.running.ep, n + 1
	}
	return "other", n + 1
}

// driver is what a replay needs from its environment: the consumed steps,
// and a way to let time pass.
type driver interface {
	consumed(step int) bool
	// blocked reports whether a call of n is waiting because its script
	// ran out.
	blocked(n ep.Name) bool
	// advance lets time move on towards the next event; false if nothing
	// can happen any more.
	advance() bool
}

// fakeIMF answers Register from the scenario's "imf" steps, in order.
type fakeIMF struct {
	mu    sync.Mutex
	steps []int // step indexes of imf steps
	ok    map[int]bool
	done  map[int]bool
}

func (f *fakeIMF) Register(*model.Resource, bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.steps) == 0 {
		return nil
	}
	i := f.steps[0]
	f.steps = f.steps[1:]
	f.done[i] = true
	if !f.ok[i] {
		return fmt.Errorf("scripted registration failure")
	}
	return nil
}

func (f *fakeIMF) Unregister(string) {}

func (f *fakeIMF) consumed(i int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done[i]
}

func newFakeIMF(s *scenario.Script) *fakeIMF {
	f := &fakeIMF{ok: map[int]bool{}, done: map[int]bool{}}
	for i, st := range s.Steps {
		if st.Cmd == "imf" {
			f.steps = append(f.steps, i)
			f.ok[i] = len(st.Args) > 0 && st.Args[0] == "ok"
		}
	}
	return f
}

// replay drives agent a through scenario s and compares the engine states
// and notable notifications it reports with the pure machine's.
func replay(t *testing.T, s *scenario.Script, a *Agent, r *model.Resource, rec *recorder, d driver, imf *fakeIMF,
	patience time.Duration) {
	t.Helper()
	want := scenario.Run(s)
	r.Values["Enabled"] = model.IntValue(0)
	if err := a.Add(r); err != nil {
		t.Fatal(err)
	}
	a.Start()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		a.Stop(ctx)
	}()
	drive(t, s, a, r, rec, d, imf, patience)
	waitQuiet(a, r.Name, d)
	reports, notes := rec.snapshot()
	if !slices.Equal(reports, want.Reports) {
		t.Errorf("engine states differ from the pure run\nagent: %s\npure:  %s", strings.Join(reports, " "),
			strings.Join(want.Reports, " "))
	}
	if wn := notable(want.Notes); !slices.Equal(notes, wn) {
		t.Errorf("notifications differ from the pure run\nagent: %s\npure:  %s", strings.Join(notes, " "),
			strings.Join(wn, " "))
	}
}

// drive issues the scenario's commands in order, each once the results
// scripted before it were consumed, and lets time pass in between.
func drive(t *testing.T, s *scenario.Script, a *Agent, r *model.Resource, rec *recorder, d driver, imf *fakeIMF,
	patience time.Duration) {
	t.Helper()
	pos, configured := 0, false
	deadline := time.Now().Add(patience)
	for pos < len(s.Steps) {
		if time.Now().After(deadline) {
			for _, e := range rec.all {
				t.Logf("%+v", e)
			}
			t.Fatalf("scenario stuck at line %d (%s)", s.Steps[pos].Line, s.Steps[pos])
		}
		st := s.Steps[pos]
		isResult := st.EP() != "" || st.Cmd == "imf"
		if isResult {
			// quiet before consumed: a step consumed after a quiet
			// check could not have been, so no double advance.
			q := quiet(a, r.Name, d)
			done := imf.consumed(pos)
			if st.Cmd != "imf" {
				done = d.consumed(pos)
			}
			if done {
				pos++
				continue
			}
			if q && !d.advance() {
				for _, e := range rec.all {
					t.Logf("%+v", e)
				}
				t.Fatalf("scenario stuck at line %d (%s): nothing scheduled", st.Line, st)
			}
			continue
		}
		if !quiet(a, r.Name, d) {
			time.Sleep(200 * time.Microsecond)
			continue
		}
		configured = command(t, a, r, st, configured)
		pos++
	}
}

// quiet reports whether the resource has nothing to do but wait: no job,
// or a running entry point whose script is exhausted.
func quiet(a *Agent, name string, d driver) bool {
	running, active := a.activity(name)
	return active == 0 || (running != "" && running != "other" && d.blocked(running))
}

func waitQuiet(a *Agent, name string, d driver) {
	for end := time.Now().Add(5 * time.Second); !quiet(a, name, d) && time.Now().Before(end); {
		time.Sleep(200 * time.Microsecond)
	}
}

// command issues an engine request or configuration step.
func command(t *testing.T, a *Agent, r *model.Resource, st scenario.Step, configured bool) bool {
	t.Helper()
	var err error
	switch st.Cmd {
	case "has":
		return configured
	case "set":
		if !configured {
			return false // applied by Script.Resource before Add
		}
		err = a.Update(r, scenario.Apply(r, st.Args))
	case "enable", "disable":
		r.Values["Enabled"] = model.IntValue(map[bool]int{true: 1, false: 0}[st.Cmd == "enable"])
		err = a.Update(r, []string{"Enabled"})
		if errors.Is(err, ErrUnknownResource) && st.Cmd == "enable" {
			err = a.Add(r) // enabled again after removal
		}
	case "remove":
		err = a.Remove(r.Name)
	case "online":
		err = a.Online(r.Name)
	case "offline":
		err = a.Offline(r.Name)
	case "probe":
		err = a.Probe(r.Name)
	case "clear":
		err = a.Clear(r.Name)
	case "imf-reset":
		err = a.Update(r, []string{"IMF"})
	default:
		t.Fatalf("line %d: command %q cannot be replayed", st.Line, st.Cmd)
	}
	if err != nil {
		t.Logf("line %d: %s: %v", st.Line, st, err)
	}
	return true
}

// scripted is a fake entry-point implementation whose results come from
// the scenario, per entry point, in order; when a script runs out, the
// call blocks until the agent stops.
type scripted struct {
	mu     sync.Mutex
	eps    map[ep.Name]bool
	queues map[ep.Name][]int
	steps  []scenario.Step
	done   map[int]bool
	wait   map[ep.Name]int
}

var _ ep.Implementation = (*scripted)(nil)

func newScripted(s *scenario.Script) *scripted {
	f := &scripted{eps: s.EPs(), queues: map[ep.Name][]int{}, steps: s.Steps, done: map[int]bool{},
		wait: map[ep.Name]int{}}
	for i, st := range s.Steps {
		if n := st.EP(); n != "" {
			f.queues[n] = append(f.queues[n], i)
		}
	}
	return f
}

func (f *scripted) Has(n ep.Name) bool { return f.eps[n] }

func (f *scripted) Run(ctx context.Context, req ep.Request) ep.Result {
	f.mu.Lock()
	q := f.queues[req.EP]
	if len(q) == 0 {
		f.wait[req.EP]++
		f.mu.Unlock()
		<-ctx.Done()
		return ep.Result{Outcome: ep.Canceled, Err: ctx.Err()}
	}
	i := q[0]
	f.queues[req.EP] = q[1:]
	f.done[i] = true
	f.mu.Unlock()
	code, timeout := f.steps[i].Result()
	if timeout {
		return ep.Result{Outcome: ep.TimedOut}
	}
	return ep.Result{Outcome: ep.Exited, ExitCode: code}
}

func (f *scripted) consumed(i int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done[i]
}

func (f *scripted) blocked(n ep.Name) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.wait[n] > 0
}

// fakeDriver advances a fake clock to the next pending timer.
type fakeDriver struct {
	*scripted
	c *trackingClock
}

func (d fakeDriver) advance() bool {
	next, ok := d.c.next()
	if !ok {
		return false
	}
	d.c.Advance(next.Sub(d.c.Now()))
	return true
}

// trackingClock is a fake clock that knows when its next timer is due.
type trackingClock struct {
	*clock.Fake
	mu     sync.Mutex
	timers []*trackedTimer
}

type trackedTimer struct {
	c     *trackingClock
	when  time.Time
	inner clock.Timer
	over  bool
}

func (t *trackedTimer) Stop() bool {
	t.c.mu.Lock()
	t.over = true
	t.c.mu.Unlock()
	return t.inner.Stop()
}

func (c *trackingClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	t := &trackedTimer{c: c, when: c.Now().Add(d)}
	c.mu.Lock()
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	t.inner = c.Fake.AfterFunc(d, func() {
		c.mu.Lock()
		t.over = true
		c.mu.Unlock()
		f()
	})
	return t
}

func (c *trackingClock) next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var best time.Time
	found := false
	live := c.timers[:0]
	for _, t := range c.timers {
		if t.over {
			continue
		}
		live = append(live, t)
		if !found || t.when.Before(best) {
			best, found = t.when, true
		}
	}
	c.timers = live
	return best, found
}
