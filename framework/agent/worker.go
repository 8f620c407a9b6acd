package agent

import (
	"context"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/resstate"
	"github.com/vigil-ha/vigil/framework/state"
)

// worker takes ready resources in turn and runs one job of each.
func (a *Agent) worker() {
	defer a.wg.Done()
	for {
		a.mu.Lock()
		for a.ready.len() == 0 && !a.stopping {
			a.cond.Wait()
		}
		if a.stopping {
			a.mu.Unlock()
			return
		}
		res := a.ready.pop()
		j := res.queue[0]
		res.queue = res.queue[1:]
		res.running = j
		a.mu.Unlock()

		a.runJob(res, j)

		a.mu.Lock()
		res.running = nil
		a.active--
		switch {
		case len(res.queue) > 0 && !a.stopping:
			a.ready.push(res)
		default:
			res.inReady = false
		}
		if res.removed && res.m.State() == resstate.Detached && len(res.queue) == 0 {
			res.stopTimers()
			delete(a.res, res.name)
		}
		a.cond.Broadcast()
		a.mu.Unlock()
	}
}

// runJob runs one job; entry points run without the lock.
func (a *Agent) runJob(res *resource, j *job) {
	switch j.kind {
	case jobEvent:
		a.feed(res, resstate.Event{Kind: j.event, Now: a.o.Clock.Now()}, j.cause, true, j.queued)
	case jobEP:
		result, ok := a.runEP(res, j, ArgsExtra{CleanReason: int(j.reason)})
		if !ok {
			return
		}
		e, err := resstate.DoneEvent(j.ep, result, a.o.Clock.Now())
		if err == nil {
			a.feed(res, e, string(j.ep), false, time.Time{})
		}
	case jobMonitor:
		a.runMonitor(res, j)
	case jobInfo:
		a.runInfo(res, j)
	case jobAction:
		result, _ := a.runEP(res, j, ArgsExtra{ActionArgs: j.args})
		a.mu.Lock()
		if j.done != nil {
			j.done <- actionReply{res: result}
		}
		a.mu.Unlock()
	case jobAttrChanged:
		a.mu.Lock()
		v, _ := res.r.Attr(j.changed)
		a.mu.Unlock()
		a.runEP(res, j, ArgsExtra{ChangedRes: res.name, ChangedAttr: j.changed, NewValue: v})
	}
}

// runMonitor runs monitor for res and feeds its result.
func (a *Agent) runMonitor(res *resource, j *job) {
	a.mu.Lock()
	if res.m.Allowed(resstate.MonitorResult) != nil {
		a.mu.Unlock()
		return
	}
	res.monitors++
	hook := a.monitorDelay
	a.mu.Unlock()
	if hook != nil && j.cause == "monitor" {
		hook(a.o.Clock.Now().Sub(j.due))
	}
	started := a.o.Clock.Now()
	result, ok := a.runEP(res, j, ArgsExtra{})
	if !ok {
		return
	}
	now := a.o.Clock.Now()
	a.mu.Lock()
	res.lastMonitor = now
	a.mu.Unlock()
	a.monitorDone(res, result, started, now)
	a.feed(res, resstate.MonitorEvent(result, now), j.cause, false, time.Time{})
}

// runEP builds the request for job j's entry point of res and runs it. ok
// is false when the agent is stopping and the result must not be applied.
func (a *Agent) runEP(res *resource, j *job, x ArgsExtra) (ep.Result, bool) {
	n := epOf(j)
	a.mu.Lock()
	r, cycle := res.r, res.monitors
	a.mu.Unlock()
	spec := RequestSpec{EP: n, Resource: r, Version: a.o.ArgVersion, Extra: x, Action: j.token, Cycle: cycle, Unit: a.unit}
	if a.o.Snapshot != nil {
		spec.Config = a.o.Snapshot()
		if cur := spec.Config.Resources[res.name]; cur != nil {
			spec.Resource = cur
		}
	}
	if a.o.Env != nil {
		spec.Env = a.o.Env(spec.Resource)
	}
	req, err := BuildRequest(spec)
	if err == nil && a.o.Args != nil {
		req.Args, err = a.o.Args(n, spec.Resource, x)
	}
	if err != nil {
		a.emit(events.Event{Kind: events.KindEPError, Resource: res.name, Cause: string(n), Detail: err.Error()})
		return ep.Result{Outcome: ep.ExecError, Err: err}, true
	}
	started := a.o.Clock.Now()
	result := a.runOffline(res, n, req)
	if result.Outcome == ep.Canceled && a.runCtx.Err() != nil {
		return result, false
	}
	if a.o.Observe != nil {
		a.o.Observe(ep.Observation{Request: req, Result: result, Queued: j.queued, Started: started})
	}
	if result.Outcome == ep.ExecError || result.Outcome == ep.Signaled {
		a.emit(events.Event{Kind: events.KindEPError, Resource: res.name, Cause: string(n),
			Detail: strings.TrimSpace(result.Outcome.String() + " " + errText(result.Err) + " " + result.Signal)})
	}
	return result, true
}

// runOffline runs an entry point; offline runs under a context
// ExpireOffline can end, and then counts as timed out (OfflineTimedOut:
// the state machine's rules for a hung offline apply).
func (a *Agent) runOffline(res *resource, n ep.Name, req ep.Request) ep.Result {
	if n != ep.Offline {
		return a.o.Impl.Run(a.runCtx, req)
	}
	ctx, cancel := context.WithCancel(a.runCtx)
	defer cancel()
	a.mu.Lock()
	expired := res.expire
	res.cancelEP = cancel
	a.mu.Unlock()
	result := ep.Result{Outcome: ep.TimedOut, ExitCode: -1}
	if !expired {
		result = a.o.Impl.Run(ctx, req)
	}
	a.mu.Lock()
	expired, res.expire, res.cancelEP = res.expire, false, nil
	a.mu.Unlock()
	if expired && result.Outcome == ep.Canceled && a.runCtx.Err() == nil {
		result.Outcome, result.Err = ep.TimedOut, nil
	}
	return result
}

// epOf names the entry point a job runs.
func epOf(j *job) ep.Name {
	switch j.kind {
	case jobMonitor:
		return ep.Monitor
	case jobInfo:
		return ep.Info
	case jobAction:
		return ep.Action
	case jobAttrChanged:
		return ep.AttrChanged
	}
	return j.ep
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// feed steps the machine of res with e and carries out the actions.
// command says e comes from a queued request, which may have become
// illegal since it was accepted.
// origin is when the work that led to e was asked for (zero: now); entry
// points the step decides to run count their queue delay from it.
func (a *Agent) feed(res *resource, e resstate.Event, cause string, command bool, origin time.Time) {
	for {
		a.mu.Lock()
		if command && res.m.Allowed(e.Kind) != nil {
			err := res.m.Allowed(e.Kind)
			a.mu.Unlock()
			if e.Kind != resstate.IMFReset {
				a.emit(events.Event{Kind: events.KindInfo, Resource: res.name, Cause: cause, Detail: "request dropped: " + err.Error()})
			}
			return
		}
		from := res.m.State()
		acts, err := res.m.Step(e)
		if a.logSteps(res) {
			a.log.Debug("step", zap.String("resource", res.name), zap.Stringer("event", e.Kind),
				zap.Stringer("from", from), zap.Stringer("to", res.m.State()), zap.Int("actions", len(acts)), zap.Error(err))
		}
		if err != nil {
			a.mu.Unlock()
			a.log.Error("state machine refused an event", zap.String("resource", res.name), zap.Error(err))
			return
		}
		out, imf := a.apply(res, acts, cause, e.Now, origin)
		r := res.r
		a.mu.Unlock()
		for _, ev := range out {
			a.emit(ev)
		}
		next, again := a.doIMF(r, imf)
		if !again {
			return
		}
		e, cause, command, origin = next, "imf", false, time.Time{}
	}
}

// apply carries out actions under a.mu and returns the notifications and
// IMF calls to make once the lock is released.
//
// A step's state change is notified before its other notifications (a
// fault, a restart), so that every consequence of a notification, such as
// the group fault the engine derives from a fault, is published after the
// resource's state change that caused it.
func (a *Agent) apply(res *resource, acts []resstate.Action, cause string, now, origin time.Time) ([]events.Event, []resstate.Action) {
	var out, notes []events.Event
	var imf []resstate.Action
	for _, act := range acts {
		switch act.Kind {
		case resstate.RunEP:
			a.enqueue(res, &job{kind: jobEP, ep: act.EP, reason: act.CleanReason, cause: cause, queued: origin}, true)
		case resstate.ScheduleMonitor:
			a.scheduleMonitor(res, act.After, cause)
		case resstate.StopMonitor:
			a.stopMonitor(res)
		case resstate.Report:
			out = append(out, events.Event{Time: now, Kind: events.KindState, Resource: res.name,
				From: res.engine.String(), To: act.State.String(), Cause: cause})
			res.engine = act.State
			a.infoState(res, act.State.State)
		case resstate.Notify:
			notes = append(notes, events.Event{Time: now, Kind: act.Note, Resource: res.name, Cause: cause, Detail: act.Detail})
		case resstate.IMFRegister, resstate.IMFUnregister:
			imf = append(imf, act)
		}
	}
	return append(out, notes...), imf
}

// doIMF makes the IMF calls; a Register returns the IMFResult to feed.
func (a *Agent) doIMF(r *model.Resource, acts []resstate.Action) (resstate.Event, bool) {
	var next resstate.Event
	again := false
	for _, act := range acts {
		if a.o.IMF == nil {
			if act.Kind == resstate.IMFRegister {
				next, again = resstate.Event{Kind: resstate.IMFResult, Now: a.o.Clock.Now(), OK: false}, true
			}
			continue
		}
		if act.Kind == resstate.IMFUnregister {
			a.o.IMF.Unregister(r.Name)
			continue
		}
		err := a.o.IMF.Register(r, act.Online)
		if err != nil {
			a.log.Warn("imf registration failed", zap.String("resource", r.Name), zap.Error(err))
		}
		next, again = resstate.Event{Kind: resstate.IMFResult, Now: a.o.Clock.Now(), OK: err == nil}, true
	}
	return next, again
}

func (a *Agent) emit(e events.Event) {
	if e.Time.IsZero() {
		e.Time = a.o.Clock.Now()
	}
	e.Type = a.o.Type.Name
	a.logNote(e)
	if a.o.Notify != nil {
		a.o.Notify(e)
	}
}

// infoState keeps ResourceInfo and the info timer in step with the
// engine-visible state: Stale once the resource is no longer ONLINE.
func (a *Agent) infoState(res *resource, st state.Resource) {
	if st != state.Online {
		if res.infoTimer != nil {
			res.infoTimer.Stop()
			res.infoTimer = nil
		}
		if len(res.info) > 0 {
			res.info["State"] = "Stale"
		}
		return
	}
	if res.infoTimer == nil && a.o.Impl.Has(ep.Info) && res.r.Int("InfoInterval") > 0 {
		a.armInfo(res)
	}
}

func (a *Agent) armInfo(res *resource) {
	d := time.Duration(res.r.Int("InfoInterval")) * a.unit
	res.infoTimer = a.o.Clock.AfterFunc(d, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.stopping || res.infoTimer == nil {
			return
		}
		a.enqueue(res, &job{kind: jobInfo, cause: "info"}, false)
		a.armInfo(res)
	})
}

// runInfo runs info and records ResourceInfo {State, Msg, TS}.
func (a *Agent) runInfo(res *resource, j *job) {
	a.mu.Lock()
	if res.m.Engine().State != state.Online {
		a.mu.Unlock()
		return
	}
	res.infoRuns++
	op := map[bool]int{true: 1, false: 2}[res.infoRuns == 1]
	a.mu.Unlock()
	result, ok := a.runEP(res, j, ArgsExtra{ResInfoOp: op})
	if !ok {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	res.info["TS"] = a.o.Clock.Now().UTC().Format(time.RFC3339)
	if result.Outcome == ep.Exited && result.ExitCode == 0 {
		res.info["State"], res.info["Msg"] = "Valid", strings.TrimRight(string(result.Output), "\n")
	} else {
		res.info["State"] = "Invalid"
	}
}
