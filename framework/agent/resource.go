package agent

import (
	"context"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/resstate"
	"github.com/vigil-ha/vigil/framework/state"
)

// jobKind says what a queued job does.
type jobKind int

const (
	jobEvent       jobKind = iota // feed an engine request or internal event to the machine
	jobEP                         // run an entry point the machine asked for (open, close, online, offline, clean)
	jobMonitor                    // run monitor
	jobInfo                       // run info
	jobAction                     // run an action for a caller
	jobAttrChanged                // run attr_changed
)

// job is one unit of work for one resource.
type job struct {
	kind   jobKind
	event  resstate.Kind
	ep     ep.Name
	reason resstate.CleanReason
	cause  string
	due    time.Time // jobMonitor: when it was due
	queued time.Time // when the work was asked for (set by enqueue when zero)

	token   string   // jobAction
	args    []string // jobAction
	done    chan actionReply
	changed string // jobAttrChanged
}

type actionReply struct {
	res ep.Result
	err error
}

// resource is one resource of the agent. All fields are guarded by Agent.mu.
type resource struct {
	name    string
	r       *model.Resource
	m       *resstate.Machine
	enabled bool
	removed bool

	queue   []*job
	inReady bool // in Agent.ready or being worked on
	running *job

	gen         int // bumps on every ScheduleMonitor/StopMonitor, invalidating older timers
	timer       clock.Timer
	infoTimer   clock.Timer
	infoRuns    int
	monitors    int // monitor cycles run, for LevelTwoMonitorFreq
	lastMonitor time.Time
	info        map[string]string
	engine      state.ResourceState // last reported engine state

	expire   bool               // ExpireOffline: the offline entry point counts as timed out
	cancelEP context.CancelFunc // ends the running offline entry point, nil when none runs
}

func (res *resource) stopTimers() {
	res.gen++
	if res.timer != nil {
		res.timer.Stop()
		res.timer = nil
	}
	if res.infoTimer != nil {
		res.infoTimer.Stop()
		res.infoTimer = nil
	}
}

// failActions answers every queued action with err.
func (res *resource) failActions(err error) {
	for _, j := range res.queue {
		if j.kind == jobAction && j.done != nil {
			j.done <- actionReply{res: ep.Result{Outcome: ep.Canceled, Err: err}, err: err}
			j.done = nil
		}
	}
}

// monitorPending reports whether a monitor is running or queued.
func (res *resource) monitorPending() bool {
	if res.running != nil && res.running.kind == jobMonitor {
		return true
	}
	for _, j := range res.queue {
		if j.kind == jobMonitor {
			return true
		}
	}
	return false
}

// dropMonitors removes queued monitors (a new schedule replaces them).
func (res *resource) dropMonitors() int {
	kept := res.queue[:0]
	n := 0
	for _, j := range res.queue {
		if j.kind == jobMonitor {
			n++
			continue
		}
		kept = append(kept, j)
	}
	res.queue = kept
	return n
}

// queued reports whether an event job of kind k is waiting.
func (res *resource) queued(k resstate.Kind) bool {
	for _, j := range res.queue {
		if j.kind == jobEvent && j.event == k {
			return true
		}
	}
	return false
}

// enqueue adds a job for res (at the front for entry points the machine
// asked for) and makes res ready. Callers hold a.mu.
func (a *Agent) enqueue(res *resource, j *job, front bool) {
	if a.stopping {
		if j.done != nil {
			j.done <- actionReply{res: ep.Result{Outcome: ep.Canceled, Err: ErrStopped}, err: ErrStopped}
		}
		return
	}
	if j.queued.IsZero() {
		j.queued = a.o.Clock.Now()
	}
	if front {
		res.queue = append([]*job{j}, res.queue...)
	} else {
		res.queue = append(res.queue, j)
	}
	a.active++
	if !res.inReady {
		res.inReady = true
		a.ready.push(res)
		a.cond.Broadcast()
	}
}

// enqueueMonitor queues a monitor unless one is running or queued (the
// VCS rule for periodic monitors; immediate ones coalesce the same way).
func (a *Agent) enqueueMonitor(res *resource, due time.Time, cause string) {
	if res.monitorPending() || res.removed {
		return
	}
	a.enqueue(res, &job{kind: jobMonitor, due: due, cause: cause}, false)
}

// scheduleMonitor replaces the pending periodic monitor of res. A monitor
// already queued (an IMF event) stays: it coalesces with an immediate one.
func (a *Agent) scheduleMonitor(res *resource, after time.Duration, cause string) {
	res.gen++
	if res.timer != nil {
		res.timer.Stop()
		res.timer = nil
	}
	due := a.o.Clock.Now().Add(after)
	if after <= 0 {
		a.enqueueMonitor(res, due, cause)
		return
	}
	gen := res.gen
	res.timer = a.o.Clock.AfterFunc(after, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if res.gen == gen && !a.stopping {
			a.enqueueMonitor(res, due, "monitor")
		}
	})
}

// stopMonitor cancels periodic monitoring of res.
func (a *Agent) stopMonitor(res *resource) {
	res.gen++
	if res.timer != nil {
		res.timer.Stop()
		res.timer = nil
	}
	a.active -= res.dropMonitors()
}
