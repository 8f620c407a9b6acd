package engine

import (
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// clearSettle is added to a resource's MonitorTimeout to bound how long
// Clear waits for the re-probe it starts; clearPoll is how often the wait
// looks again when no event arrives.
const (
	clearSettle = 10 * time.Second
	clearPoll   = 100 * time.Millisecond
)

// waitCleared returns once the re-probe started by a clear of r has
// reported: the resource is no longer FAULTED, PROBING or ADMIN_WAIT. The
// wait is bounded by MonitorTimeout plus clearSettle, so a monitor that
// hangs cannot hold the caller longer than the monitor itself may run.
//
// Clear waits so that `vigil res clear R && vigil grp online G` works: an
// online right after a clear is never refused because the probe is still
// running (docs/cli.md).
func (e *Engine) waitCleared(r *model.Resource) {
	bound := e.clk.After(time.Duration(e.conf(r).Int("MonitorTimeout"))*time.Second + clearSettle)
	for {
		ch := e.changes()
		st, ok := e.status(r)
		if !ok || cleared(st) {
			return
		}
		select {
		case <-ch:
		case <-e.clk.After(clearPoll):
		case <-bound:
			return
		}
	}
}

// cleared reports whether a resource has left the states a clear leaves.
func cleared(st agent.Status) bool {
	s := st.State
	return s.State != state.Faulted && !s.Flags.Has(state.Probing) && !s.Flags.Has(state.AdminWait)
}
