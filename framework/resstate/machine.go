package resstate

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

// Machine is the state of one resource. It is not safe for concurrent use;
// the agent steps it from one goroutine at a time.
type Machine struct {
	p  Params
	st State

	restarts      int            // RestartCount, cleared by ConfInterval
	tolerance     int            // ToleranceCount
	monTimeouts   int            // CurrentMonitorTimeoutCount (consecutive)
	firstTimeout  time.Time      // first of the current run of monitor timeouts
	onlineRetries int            // OnlineRetryLimit budget used by the current online
	waitCycles    int            // monitors seen in GoingOnlineWaiting / GoingOfflineWaiting
	cleanFailures int            // consecutive failed cleans
	cleans        int            // cleans run, in total
	onlineSince   time.Time      // start of the current run of online monitor results
	reason        CleanReason    // why the current clean / fault path started
	restarting    bool           // the current online is a local restart
	adminBase     state.Resource // engine state shown with ADMIN_WAIT
	lastMon       ep.MonitorState
	lastTimedOut  bool
	unknown       bool // the last monitor in Online/Offline said UNKNOWN
	steady        int  // consecutive equal monitor results (online or offline)
	steadyOnline  bool
	imfRegistered bool
	imfOnline     bool
	imfFailures   int
	scheduled     bool // the handler decided the monitor schedule itself
	confidence    int
	reported      state.ResourceState
	out           []Action
}

// New returns a machine in state Detached.
func New(p Params) *Machine {
	return &Machine{p: p, st: Detached, reason: noReason, reported: state.ResourceState{}}
}

// State returns the agent-internal state.
func (m *Machine) State() State { return m.st }

// Params returns the parameters in force.
func (m *Machine) Params() Params { return m.p }

// SetParams replaces the parameters (attributes changed). It takes effect
// from the next event.
func (m *Machine) SetParams(p Params) { m.p = p }

// Confidence returns the confidence of the last online monitor result.
func (m *Machine) Confidence() int { return m.confidence }

// Engine returns the engine-visible state and its flags.
func (m *Machine) Engine() state.ResourceState { return m.view() }

// Counters returns the policy counters by their VCS names.
func (m *Machine) Counters() map[string]int {
	return map[string]int{
		"RestartCount": m.restarts, "ToleranceCount": m.tolerance, "MonitorTimeoutCount": m.monTimeouts,
		"OnlineRetryCount": m.onlineRetries, "CleanCount": m.cleans, "CleanFailureCount": m.cleanFailures,
		"WaitCount": m.waitCycles,
	}
}

// IMFRegistered reports whether the machine considers the resource
// registered with IMF.
func (m *Machine) IMFRegistered() bool { return m.imfRegistered }

// Allowed returns nil when the current state accepts events of kind k, and
// otherwise the error Step would return.
func (m *Machine) Allowed(k Kind) error {
	switch k {
	case OnlineRequested:
		if m.p.Operations == OpsNone || !m.p.Has(ep.Online) {
			return fmt.Errorf("online: %w by the type (Operations %s)", ErrNotSupported, m.p.Operations)
		}
	case OfflineRequested:
		if m.p.Operations != OpsOnOff || !m.p.Has(ep.Offline) {
			return fmt.Errorf("offline: %w by the type (Operations %s)", ErrNotSupported, m.p.Operations)
		}
	}
	if _, ok := table[m.st][k]; !ok {
		return fmt.Errorf("%w: %s in state %s", ErrIllegal, k, m.st)
	}
	return nil
}

// Step applies one event and returns the actions it calls for. An event
// the current state does not accept changes nothing and returns an error.
func (m *Machine) Step(e Event) ([]Action, error) {
	if err := m.Allowed(e.Kind); err != nil {
		return nil, err
	}
	tr := table[m.st][e.Kind]
	from, wasRegistered := m.st, m.imfRegistered
	m.out, m.scheduled = nil, false
	tr.do(m, e)
	if !slices.Contains(tr.to, m.st) {
		// A handler reached a state its table entry does not list: a bug
		// in this package, reported rather than hidden.
		return m.out, fmt.Errorf("%w: %s in state %s led to undeclared state %s", ErrIllegal, e.Kind, from, m.st)
	}
	m.settle(from, e, wasRegistered)
	out := m.out
	m.out = nil
	return out, nil
}

// settle emits the monitor schedule and the engine report after a step.
func (m *Machine) settle(from State, e Event, wasRegistered bool) {
	if m.st != Online && m.st != Offline {
		m.unregister()
	}
	switch {
	case m.st.running() || m.st == Detached:
		if !from.running() && from != Detached {
			m.emit(Action{Kind: StopMonitor})
		}
	case m.scheduled:
	case m.st != from || e.Kind == MonitorResult || e.Kind == MonitorTimedOut || wasRegistered != m.imfRegistered ||
		e.Kind == IMFReset:
		m.schedule()
	}
	if st := m.view(); st != m.reported {
		m.reported = st
		m.emit(Action{Kind: Report, State: st})
	}
}

// schedule emits the next periodic monitor for the current state.
func (m *Machine) schedule() {
	d := m.p.MonitorInterval
	if m.st == Offline || m.st == Faulted {
		d = m.p.OfflineMonitorInterval
	}
	if m.imfRegistered {
		d *= time.Duration(m.p.MonitorFreq)
	}
	if m.settling() && m.p.IMFSettle > 0 && (d <= 0 || m.p.IMFSettle < d) {
		// design.md §3, IMF registration timing: the second, confirming
		// monitor comes after a short settle time, not a whole interval.
		d = m.p.IMFSettle
	}
	if d <= 0 {
		m.emit(Action{Kind: StopMonitor})
		return
	}
	m.emit(Action{Kind: ScheduleMonitor, After: d})
}

// monitorIn emits a monitor due after n attribute seconds (0 = now).
func (m *Machine) monitorIn(n int) {
	m.scheduled = true
	m.emit(Action{Kind: ScheduleMonitor, After: time.Duration(n) * m.p.Unit})
}

func (m *Machine) emit(a Action) { m.out = append(m.out, a) }

func (m *Machine) notify(note events.Kind, format string, args ...any) {
	m.emit(Action{Kind: Notify, Note: note, Detail: fmt.Sprintf(format, args...)})
}

func (m *Machine) run(n ep.Name) { m.emit(Action{Kind: RunEP, EP: n, CleanReason: noReason}) }

// view computes the engine-visible state and flags.
func (m *Machine) view() state.ResourceState {
	var v state.ResourceState
	switch m.st {
	case Detached, Opening, Closing:
		v.State = state.Unknown
	case Probing:
		v = state.ResourceState{State: state.Unknown, Flags: state.Probing}
	case Online, Offline:
		v.State = state.Offline
		if m.st == Online {
			v.State = state.Online
		}
		if m.unknown {
			v.State = state.Unknown
		}
	case GoingOnline, GoingOnlineWaiting:
		v = state.ResourceState{State: state.Offline, Flags: state.WaitingToOnline}
	case GoingOffline, GoingOfflineWaiting:
		v = state.ResourceState{State: state.Online, Flags: state.WaitingToOffline}
	case Cleaning, CleanFailed:
		v = state.ResourceState{State: m.reasonBase(), Flags: state.Cleaning}
	case Faulted:
		v.State = state.Faulted
	case AdminWait:
		v = state.ResourceState{State: m.adminBase, Flags: state.AdminWait}
	}
	if m.restarting && (m.st == GoingOnline || m.st == GoingOnlineWaiting || m.st == Cleaning || m.st == CleanFailed) {
		v.Flags |= state.Restarting
	}
	if m.lastTimedOut && m.st != Probing && m.st != Detached {
		v.Flags |= state.MonitorTimedOut
	}
	return v
}

// reasonBase is the engine state shown while cleaning for m.reason.
func (m *Machine) reasonBase() state.Resource {
	switch m.reason {
	case OfflineHung, OfflineIneffective, MonitorHung:
		return state.Online
	}
	return state.Offline
}
