package scenario

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/resstate"
)

// Start is the simulated time at which every scenario begins.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Outcome is what running a scenario produced.
type Outcome struct {
	Text    []byte   // the scenario with regenerated output lines
	Reports []string // every engine-visible state reported, in order ("ONLINE|RESTARTING")
	Notes   []string // every notification kind, in order
}

// sim is the simulated agent around one machine: a clock, the pending
// monitor and the pending entry point.
type sim struct {
	r       *model.Resource
	eps     map[ep.Name]bool
	m       *resstate.Machine
	now     time.Time
	due     *time.Time
	pending ep.Name
	out     Outcome
	started bool // a command other than has/set has run
}

// Run runs the scenario against a fresh machine.
func Run(s *Script) Outcome {
	x := &sim{r: s.Resource(), eps: s.EPs(), now: Start}
	x.m = resstate.New(x.params())
	var b strings.Builder
	step := 0
	for i, line := range s.lines {
		b.WriteString(line + "\n")
		if !s.isCmd[i] {
			continue
		}
		st := s.Steps[step]
		step++
		acts, err := x.do(st)
		if err == nil && (st.Cmd == "has" || st.Cmd == "set") && len(acts) == 0 {
			continue
		}
		x.started = x.started || (st.Cmd != "has" && st.Cmd != "set")
		fmt.Fprintf(&b, "    [%s] ", x.now.Sub(Start))
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", x.m.State(), x.m.Engine())
		for _, a := range acts {
			fmt.Fprintf(&b, "      %s\n", a)
		}
	}
	x.out.Text = []byte(b.String())
	return x.out
}

func (x *sim) params() resstate.Params {
	return resstate.ParamsFrom(x.r, func(n ep.Name) bool { return x.eps[n] }, time.Second)
}

// do runs one command and returns the machine's actions.
func (x *sim) do(st Step) ([]resstate.Action, error) {
	var e resstate.Event
	switch st.Cmd {
	case "has":
		x.m.SetParams(x.params())
		return nil, nil
	case "set":
		changed := Apply(x.r, st.Args)
		x.m.SetParams(x.params())
		// After the first command, a set is a configuration change: the
		// IMF unregistration rules (b)-(d) apply, as the agent's Update.
		if !x.started || !slices.ContainsFunc(changed, func(a string) bool { return resstate.IMFRelevant(x.r, a) }) ||
			x.m.Allowed(resstate.IMFReset) != nil {
			return nil, nil
		}
		e = resstate.Event{Kind: resstate.IMFReset}
	case "wait":
		d, err := time.ParseDuration(arg(st, 0))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", st.Line, err)
		}
		if x.due != nil && x.due.Before(x.now.Add(d)) {
			return nil, fmt.Errorf("line %d: a monitor is due at %s, within the wait", st.Line, x.due.Sub(Start))
		}
		x.now = x.now.Add(d)
		return nil, nil
	case "monitor":
		if x.due == nil {
			return nil, fmt.Errorf("line %d: no monitor scheduled", st.Line)
		}
		if x.due.After(x.now) {
			x.now = *x.due
		}
		x.due = nil
		code, timeout := st.Result()
		r := ep.Result{Outcome: ep.Exited, ExitCode: code}
		if timeout {
			r = ep.Result{Outcome: ep.TimedOut}
			x.now = x.now.Add(x.m.Params().MonitorTimeout)
		}
		e = resstate.MonitorEvent(r, x.now)
	case "imf":
		e = resstate.Event{Kind: resstate.IMFResult, OK: arg(st, 0) == "ok"}
	default:
		if n := st.EP(); n != "" {
			return x.epDone(st, n)
		}
		k, ok := commands[st.Cmd]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown command %q", st.Line, st.Cmd)
		}
		e = resstate.Event{Kind: k}
	}
	e.Now = x.now
	return x.step(e)
}

// commands maps the engine-request commands to events.
var commands = map[string]resstate.Kind{
	"enable": resstate.Enable, "disable": resstate.Disable, "remove": resstate.Remove, "probe": resstate.Probe,
	"online": resstate.OnlineRequested, "offline": resstate.OfflineRequested, "clear": resstate.Clear,
	"imf-reset": resstate.IMFReset,
}

// epTimeouts names the timeout attribute of each entry point.
var epTimeouts = map[ep.Name]string{ep.Open: "OpenTimeout", ep.Close: "CloseTimeout",
	ep.Online: "OnlineTimeout", ep.Offline: "OfflineTimeout", ep.Clean: "CleanTimeout"}

func (x *sim) epDone(st Step, n ep.Name) ([]resstate.Action, error) {
	if x.pending != n {
		return nil, fmt.Errorf("line %d: %s is not running (pending %q)", st.Line, n, x.pending)
	}
	x.pending = ""
	code, timeout := st.Result()
	r := ep.Result{Outcome: ep.Exited, ExitCode: code}
	if timeout {
		r = ep.Result{Outcome: ep.TimedOut}
		x.now = x.now.Add(time.Duration(x.r.Int(epTimeouts[n])) * time.Second)
	}
	e, err := resstate.DoneEvent(n, r, x.now)
	if err != nil {
		return nil, err
	}
	return x.step(e)
}

func (x *sim) step(e resstate.Event) ([]resstate.Action, error) {
	acts, err := x.m.Step(e)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		switch a.Kind {
		case resstate.RunEP:
			x.pending = a.EP
		case resstate.ScheduleMonitor:
			t := x.now.Add(a.After)
			x.due = &t
		case resstate.StopMonitor:
			x.due = nil
		case resstate.Report:
			x.out.Reports = append(x.out.Reports, a.State.String())
		case resstate.Notify:
			x.out.Notes = append(x.out.Notes, string(a.Note))
		}
	}
	return acts, nil
}

func arg(st Step, i int) string {
	if i < len(st.Args) {
		return st.Args[i]
	}
	return ""
}
