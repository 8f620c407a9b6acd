package resstate

import (
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
)

// monitorResult applies a definite monitor result (online, offline,
// intentional offline or unknown) in any watched state.
func (m *Machine) monitorResult(e Event) {
	m.lastTimedOut = false
	res := e.Monitor
	intentional := res == ep.StateIntentionalOffline
	if intentional {
		res = ep.StateOffline
	}
	if res == ep.StateOnline {
		m.confidence = e.Confidence
	}
	switch m.st {
	case Probing:
		switch res {
		case ep.StateOnline:
			m.enterOnline(e)
		case ep.StateOffline:
			m.enterOffline()
		}
	case Online:
		m.onlineMonitor(e, res, intentional)
	case Offline:
		switch res {
		case ep.StateOnline:
			m.notify(events.KindInfo, "resource came online outside the framework")
			m.enterOnline(e)
		case ep.StateOffline:
			m.unknown = false
			m.track(false)
		default:
			m.unknown = true
			m.unregister()
		}
	case GoingOnlineWaiting:
		if res == ep.StateOnline {
			m.restarting, m.tolerance = false, 0
			m.enterOnline(e)
			return
		}
		m.onlineNotYet()
	case GoingOfflineWaiting:
		if res == ep.StateOffline {
			m.enterOffline()
			return
		}
		m.offlineNotYet()
	case CleanFailed:
		m.retryClean()
	case Faulted:
		switch {
		case res != ep.StateOnline:
		case m.p.Operations == OpsNone:
			m.notify(events.KindInfo, "persistent resource online again; fault cleared")
			m.resetCounters()
			m.enterOnline(e)
		case m.p.Frozen:
			// Nothing was cleaned: whoever fixed it by hand brought it back.
			m.notify(events.KindInfo, "online again in a frozen group; fault cleared")
			m.resetCounters()
			m.enterOnline(e)
		}
	}
}

func (m *Machine) enterOnline(e Event) {
	m.st, m.unknown, m.onlineSince = Online, false, e.Now
	m.track(true)
}

func (m *Machine) enterOffline() {
	m.st, m.unknown = Offline, false
	m.track(false)
}

// onlineMonitor applies a monitor result to a steady online resource:
// ConfInterval, ToleranceLimit, IntentionalOffline, fault.
func (m *Machine) onlineMonitor(e Event, res ep.MonitorState, intentional bool) {
	switch res {
	case ep.StateOnline:
		m.unknown, m.monTimeouts = false, 0
		if e.Now.Sub(m.onlineSince) >= m.p.ConfInterval {
			if m.restarts+m.tolerance > 0 {
				m.notify(events.KindInfo, "online for ConfInterval %s: RestartCount %d, ToleranceCount %d cleared",
					m.p.ConfInterval, m.restarts, m.tolerance)
			}
			m.restarts, m.tolerance, m.onlineSince = 0, 0, e.Now
		}
		m.track(true)
		return
	case ep.StateUnknown:
		m.unknown = true
		m.onlineSince = e.Now
		m.unregister()
		return
	}
	m.unknown = false
	m.onlineSince = e.Now
	if intentional && m.p.IntentionalOffline {
		m.notify(events.KindInfo, "intentional offline (monitor exit 200)")
		m.enterOffline()
		return
	}
	m.unregister()
	m.tolerance++
	if m.tolerance <= m.p.ToleranceLimit {
		m.notify(events.KindInfo, "unexpected offline tolerated (%d of ToleranceLimit %d)", m.tolerance, m.p.ToleranceLimit)
		return
	}
	m.fault(UnexpectedOffline)
}

// onlineNotYet counts a monitor that did not see the resource online after
// online returned (OnlineWaitLimit; no effect without clean).
func (m *Machine) onlineNotYet() {
	m.waitCycles++
	if m.p.Has(ep.Clean) && !m.p.Frozen && m.waitCycles > m.p.OnlineWaitLimit {
		m.transitionFailed(OnlineIneffective)
	}
}

// offlineNotYet counts a monitor that did not see the resource offline
// after offline returned (OfflineWaitLimit).
func (m *Machine) offlineNotYet() {
	m.waitCycles++
	if m.p.Has(ep.Clean) && !m.p.Frozen && m.waitCycles > m.p.OfflineWaitLimit {
		m.transitionFailed(OfflineIneffective)
	}
}

// monitorTimedOut applies a monitor that hit MonitorTimeout.
func (m *Machine) monitorTimedOut(e Event) {
	m.lastTimedOut = true
	switch m.st {
	case Online:
		m.unknown = false
		m.onlineSince = e.Now
		m.unregister()
		if m.monTimeouts > 0 && e.Now.Sub(m.firstTimeout) >= m.p.MonitorTimeoutReset {
			m.monTimeouts = 0
		}
		if m.monTimeouts == 0 {
			m.firstTimeout = e.Now
		}
		m.monTimeouts++
		m.notify(events.KindMonitorTimeout, "monitor timed out (%d of FaultOnMonitorTimeouts %d)", m.monTimeouts,
			m.p.FaultOnMonitorTimeouts)
		if m.p.FaultOnMonitorTimeouts > 0 && m.monTimeouts >= m.p.FaultOnMonitorTimeouts {
			m.fault(MonitorHung)
		}
	case GoingOnlineWaiting:
		m.onlineNotYet()
	case GoingOfflineWaiting:
		m.offlineNotYet()
	case CleanFailed:
		m.retryClean()
	case Offline:
		m.unregister()
	}
}

// retryClean runs clean again after a failed one, unless the group is
// frozen (the retries resume after unfreeze, at the next monitor).
func (m *Machine) retryClean() {
	if !m.p.Frozen {
		m.startClean(m.reason)
	}
}
