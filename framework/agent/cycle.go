package agent

import (
	"time"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// MonitorCycle is one completed monitor cycle, as the monitor statistics
// see it (Options.MonitorDone).
type MonitorCycle struct {
	// Resource is the resource as the configuration snapshot in force has
	// it: ComputeStats, MonitorStatsParam and MonitorTimeout resolve on it.
	Resource *model.Resource
	// State is the engine-visible state the resource was in while the
	// monitor ran, before its result is applied.
	State state.ResourceState
	// Duration is how long the monitor took: the implementation's own
	// measure when it gives one, else the agent's. A timed-out cycle
	// counts as its timeout.
	Duration time.Duration
	// TimedOut says the monitor hit MonitorTimeout.
	TimedOut bool
	// Timeout is the monitor's timeout in force (MonitorTimeout, in the
	// agent's time unit).
	Timeout time.Duration
	// End is when the cycle ended.
	End time.Time
}

// monitorDone hands a completed monitor cycle of res to Options.MonitorDone.
// started and end bound the run as the agent saw it.
func (a *Agent) monitorDone(res *resource, result ep.Result, started, end time.Time) {
	if a.o.MonitorDone == nil {
		return
	}
	a.mu.Lock()
	r, st := res.r, res.m.Engine()
	a.mu.Unlock()
	if a.o.Snapshot != nil {
		if cur := a.o.Snapshot().Resources[res.name]; cur != nil {
			r = cur
		}
	}
	c := MonitorCycle{Resource: r, State: st, Duration: result.Duration, End: end,
		Timeout: a.scale(arglist.Timeout(ep.Monitor, r))}
	if c.Duration <= 0 {
		c.Duration = end.Sub(started)
	}
	if result.Outcome == ep.TimedOut {
		c.TimedOut, c.Duration = true, c.Timeout
	}
	a.o.MonitorDone(c)
}
