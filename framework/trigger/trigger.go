package trigger

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

// RunFunc runs one trigger program; the RunCommand method of a
// runner.Runner fits (through a small closure adding its options).
type RunFunc func(ctx context.Context, path string, args []string, timeout time.Duration) ep.Result

// Options configure a Runner.
type Options struct {
	Dir     string        // the triggers directory (<config dir>/triggers)
	System  string        // this node's name, the first argument of every trigger
	Timeout time.Duration // per run; 0 = 60 s
	Run     RunFunc
	Logger  *zap.Logger
	// Publish, when set, receives a "trigger" event for every run.
	Publish func(events.Event) events.Event
}

// Runner maps events to trigger runs.
type Runner struct {
	o         Options
	lastState map[string]string // resource -> its last steady state (no flags, not FAULTED)
}

// New returns a Runner.
func New(o Options) *Runner {
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return &Runner{o: o, lastState: map[string]string{}}
}

// Call is one trigger run: its name and argv after the program name.
type Call struct {
	Name string
	Args []string
}

// Map returns the trigger calls an event gives rise to, in order. It also
// remembers states, so that resfault can name the state before the fault.
func (r *Runner) Map(e events.Event) []Call {
	sys := r.o.System
	switch {
	case e.Kind == events.KindState && e.Resource != "":
		to, err := state.ParseResourceState(e.To)
		if err != nil {
			return nil
		}
		// resfault names the last steady state before the fault: ONLINE
		// for a resource that failed while online, not the OFFLINE|CLEANING
		// it passed through on its way to FAULTED.
		if to.Flags == 0 && to.State != state.Faulted {
			r.lastState[e.Resource] = to.State.String()
		}
		from, err := state.ParseResourceState(e.From)
		if err != nil { // the first report: no change to announce
			return nil
		}
		// VCS announces changes of the base state only: ONLINE -> OFFLINE,
		// not OFFLINE -> OFFLINE|WAITING_TO_ONLINE.
		if from.State == to.State {
			return nil
		}
		return []Call{{"resstatechange", []string{sys, e.Resource, from.State.String(), to.State.String()}}}
	case e.Kind == events.KindFault:
		prev := r.lastState[e.Resource]
		if prev == "" {
			prev = state.Online.String()
		}
		return []Call{{"resfault", []string{sys, e.Resource, prev}}}
	case e.Kind == events.KindRestart:
		return []Call{{"resrestart", []string{sys, e.Resource}}}
	case e.Kind == events.KindOfflineFailed:
		return []Call{{"resnotoff", []string{sys, e.Resource}}}
	case e.Kind == events.KindAdminWait:
		return []Call{{"resadminwait", []string{sys, e.Resource, e.Detail}}}
	case e.Kind == events.KindStatsSudden || e.Kind == events.KindStatsGradual:
		return []Call{{"monitortimechange", append([]string{sys, e.Resource}, statsArgs(e)...)}}
	case e.Kind == events.KindGroupState:
		to, err := state.ParseGroupState(e.To)
		if err != nil || to.Flags != 0 {
			return nil
		}
		from, _ := state.ParseGroupState(e.From)
		switch {
		case to.State == state.GroupOnline:
			return []Call{{"postonline", []string{sys, e.Group}}}
		case to.State == state.GroupOffline && from.State != state.GroupUnknown:
			return []Call{{"postoffline", []string{sys, e.Group}}}
		}
	case e.Kind == events.KindGroupFault:
		return []Call{{"grpfault", []string{sys, e.Group, e.Detail}}}
	}
	return nil
}

// Handle runs the triggers of one event that exist as executables. Events
// of kind trigger (its own reports) are not handled.
func (r *Runner) Handle(ctx context.Context, e events.Event) {
	if e.Kind == events.KindTrigger {
		return
	}
	for _, c := range r.Map(e) {
		path := filepath.Join(r.o.Dir, c.Name)
		fi, err := os.Stat(path)
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			continue
		}
		res := r.o.Run(ctx, path, c.Args, r.o.Timeout)
		detail := res.Outcome.String()
		if res.Outcome == ep.Exited {
			detail += " " + strconv.Itoa(res.ExitCode)
		}
		if res.Err != nil && res.Outcome != ep.Exited {
			detail += ": " + res.Err.Error() // why it could not run, e.g. execute "x": no such file
		}
		r.o.Logger.Info("trigger ran", zap.String("trigger", c.Name), zap.Strings("args", c.Args),
			zap.String("result", detail), zap.Duration("duration", res.Duration))
		if r.o.Publish != nil {
			r.o.Publish(events.Event{Kind: events.KindTrigger, Resource: e.Resource, Type: e.Type, Group: e.Group,
				Cause: c.Name, Detail: strings.Join(c.Args, " ") + ": " + detail})
		}
	}
}

// statsArgs are the arguments of monitortimechange after the system and
// the resource: <sudden|gradual> <value ms> <reference ms> <threshold %>
// <count> <max ms> <mean ms>, milliseconds rounded to whole numbers as
// MonitorTimeStats shows them (docs/statistics.md). An event without
// figures passes its detail alone.
func statsArgs(e events.Event) []string {
	s := e.Stats
	if s == nil {
		return []string{e.Detail}
	}
	msText := func(v float64) string { return strconv.FormatInt(int64(math.Round(v)), 10) }
	return []string{s.Change, msText(s.ValueMs), msText(s.ReferenceMs), strconv.Itoa(s.Threshold),
		strconv.Itoa(s.Count), msText(s.MaxMs), msText(s.MeanMs)}
}
