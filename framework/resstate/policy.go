package resstate

import (
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

func (m *Machine) enable(Event) {
	m.resetCounters()
	if m.p.Has(ep.Open) {
		m.st = Opening
		m.run(ep.Open)
		return
	}
	m.st = Probing
	m.monitorIn(0)
}

func (m *Machine) openDone(Event) {
	m.st = Probing
	m.monitorIn(0)
}

func (m *Machine) disable(Event) {
	if m.p.Has(ep.Close) {
		m.st = Closing
		m.run(ep.Close)
		return
	}
	m.st = Detached
}

// remove runs close when the reference table (§1.1) says so for the
// Operations of the type and the current state.
func (m *Machine) remove(Event) {
	closes := true
	if m.p.Operations == OpsOnOff {
		closes = m.st == Offline || m.st == Probing || m.st == Faulted
	}
	if closes && m.p.Has(ep.Close) {
		m.st = Closing
		m.run(ep.Close)
		return
	}
	m.st = Detached
}

// probe asks for a monitor now; its result counts like any monitor
// (ToleranceLimit, OfflineWaitLimit).
func (m *Machine) probe(Event) { m.monitorIn(0) }

func (m *Machine) clear(Event) {
	m.resetCounters()
	m.notify(events.KindInfo, "cleared; probing")
	m.st = Probing
	m.monitorIn(0)
}

func (m *Machine) resetCounters() {
	m.restarts, m.tolerance, m.monTimeouts, m.onlineRetries, m.waitCycles, m.cleanFailures = 0, 0, 0, 0, 0, 0
	m.restarting, m.reason, m.lastTimedOut, m.unknown = false, noReason, false, false
	m.firstTimeout, m.onlineSince = time.Time{}, time.Time{}
}

func (m *Machine) onlineRequested(Event) {
	m.restarting, m.onlineRetries = false, 0
	m.startOnline()
}

func (m *Machine) startOnline() {
	m.waitCycles, m.lastTimedOut, m.unknown = 0, false, false
	m.st = GoingOnline
	m.run(ep.Online)
}

func (m *Machine) offlineRequested(Event) {
	m.restarting, m.waitCycles, m.lastTimedOut, m.unknown = false, 0, false, false
	m.st = GoingOffline
	m.run(ep.Offline)
}

func (m *Machine) onlineDone(e Event) {
	m.waitCycles = 0
	m.st = GoingOnlineWaiting
	m.monitorIn(e.Wait)
}

func (m *Machine) offlineDone(e Event) {
	m.waitCycles = 0
	m.st = GoingOfflineWaiting
	m.monitorIn(e.Wait)
}

func (m *Machine) onlineTimedOut(Event) {
	m.notify(events.KindInfo, "online timed out")
	m.transitionFailed(OnlineHung)
}

func (m *Machine) offlineTimedOut(Event) {
	m.notify(events.KindInfo, "offline timed out")
	m.transitionFailed(OfflineHung)
}

// offlineExpired handles the engine's deadline for an offline passing
// (a fencing system must have its failover groups offline by then): the
// offline counts as failed now, as if OfflineTimeout (a resource still
// ONLINE, never asked: reason 0) or OfflineWaitLimit (offline returned,
// monitor still not OFFLINE: reason 1) had run out, so the same rules
// decide: clean, ADMIN_WAIT under ManageFaults=NONE, nothing in a frozen
// group or without clean.
func (m *Machine) offlineExpired(Event) {
	m.notify(events.KindInfo, "offline deadline passed")
	if m.st == Online && (m.p.Frozen || (!m.p.ManageFaultsNone && !m.p.Has(ep.Clean))) {
		m.notify(events.KindInfo, "offline deadline passed; no clean: left online")
		return // no clean to run: an ONLINE resource stays as it is
	}
	if m.st == GoingOfflineWaiting {
		m.transitionFailed(OfflineIneffective)
		return
	}
	m.transitionFailed(OfflineHung)
}

// transitionFailed handles a hung or ineffective online (reasons 2, 3) or
// offline (0, 1): ADMIN_WAIT under ManageFaults=NONE, clean when there is
// one, and otherwise keep waiting for monitor indefinitely.
func (m *Machine) transitionFailed(r CleanReason) {
	m.reason = r
	toOnline := r == OnlineHung || r == OnlineIneffective
	switch {
	case m.p.Frozen:
		// A frozen group: no clean; keep monitoring, as without clean.
		m.notify(events.KindInfo, "%s; group frozen: no clean", r)
		m.st = map[bool]State{true: GoingOnlineWaiting, false: GoingOfflineWaiting}[toOnline]
		m.monitorIn(0)
	case m.p.ManageFaultsNone:
		m.notify(map[bool]events.Kind{true: events.KindOnlineFailed, false: events.KindOfflineFailed}[toOnline], "%s", r)
		m.adminWait(map[bool]state.Resource{true: state.Offline, false: state.Online}[toOnline], "%s; ManageFaults is NONE", r)
	case m.p.Has(ep.Clean):
		m.startClean(r)
	case toOnline:
		m.st = GoingOnlineWaiting
		m.monitorIn(0)
	default:
		m.st = GoingOfflineWaiting
		m.monitorIn(0)
	}
}

func (m *Machine) adminWait(base state.Resource, format string, args ...any) {
	m.st, m.adminBase = AdminWait, base
	m.notify(events.KindAdminWait, format, args...)
}

func (m *Machine) startClean(r CleanReason) {
	m.reason = r
	m.cleans++
	m.st = Cleaning
	m.emit(Action{Kind: RunEP, EP: ep.Clean, CleanReason: r})
}

// fault handles an unexpected offline (reason 4) or repeated monitor
// timeouts (5) of an online resource.
func (m *Machine) fault(r CleanReason) {
	m.reason = r
	switch {
	case m.p.Frozen:
		// A frozen group's fault is reported, and nothing is done: no
		// clean, no restart (the engine takes no group action either).
		m.st = Faulted
		m.notify(events.KindFault, "%s; group frozen: no clean, no restart", r)
	case m.p.ManageFaultsNone:
		base := state.Offline
		if r == MonitorHung {
			base = state.Online
		}
		m.adminWait(base, "%s; ManageFaults is NONE", r)
	case m.p.Operations == OpsNone || !m.p.Has(ep.Clean):
		m.st = Faulted
		m.notify(events.KindFault, "%s; no clean, no restart", r)
	default:
		m.startClean(r)
	}
}

func (m *Machine) cleanDone(e Event) {
	if !e.OK {
		m.cleanFailures++
		m.notify(events.KindClean, "clean (%s) failed, attempt %d", m.reason, m.cleanFailures)
		if m.cleanFailures == 1 && m.reason != UnexpectedOffline && m.reason != MonitorHung {
			// The requested online or offline has failed, whatever
			// the clean retries bring.
			m.notify(map[bool]events.Kind{true: events.KindOfflineFailed, false: events.KindOnlineFailed}[m.reasonBase() == state.Online],
				"%s and clean failed", m.reason)
		}
		if m.p.CleanRetryLimit > 0 && m.cleanFailures > m.p.CleanRetryLimit {
			m.adminWait(m.reasonBase(), "clean failed %d times (CleanRetryLimit %d)", m.cleanFailures, m.p.CleanRetryLimit)
			return
		}
		m.st = CleanFailed
		return
	}
	m.cleanFailures = 0
	m.notify(events.KindClean, "clean (%s) succeeded", m.reason)
	switch m.reason {
	case OfflineHung, OfflineIneffective:
		m.restarting, m.lastTimedOut = false, false
		m.st = Offline
		m.monitorIn(0)
	case OnlineHung, OnlineIneffective:
		switch {
		case m.onlineRetries < m.p.OnlineRetryLimit:
			m.onlineRetries++
			m.notify(events.KindInfo, "online retry %d of %d", m.onlineRetries, m.p.OnlineRetryLimit)
			m.startOnline()
		case m.restarting && m.restarts < m.p.RestartLimit:
			m.restart()
		default:
			m.restarting, m.lastTimedOut = false, false
			m.st = Faulted
			m.notify(events.KindOnlineFailed, "%s; %d online retries used", m.reason, m.onlineRetries)
		}
	default:
		if m.restarts < m.p.RestartLimit && m.p.Has(ep.Online) {
			m.restart()
			return
		}
		m.restarting, m.lastTimedOut = false, false
		m.st = Faulted
		m.notify(events.KindFault, "%s; %d of RestartLimit %d restarts used", m.reason, m.restarts, m.p.RestartLimit)
	}
}

func (m *Machine) restart() {
	m.restarts++
	m.restarting, m.onlineRetries, m.monTimeouts = true, 0, 0
	m.notify(events.KindRestart, "local restart %d of %d after %s", m.restarts, m.p.RestartLimit, m.reason)
	m.startOnline()
}

func (m *Machine) imfResult(e Event) {
	if e.OK || !m.imfRegistered {
		return
	}
	m.imfRegistered = false
	m.imfFailures++
	m.notify(events.KindInfo, "imf registration failed (%d of %d)", m.imfFailures, m.p.RegisterRetryLimit)
}

func (m *Machine) imfReset(Event) {
	m.unregister()
	m.imfFailures = 0
	if (m.st == Online || m.st == Offline) && m.imfWants(m.st == Online) && m.p.IMFSettle > 0 {
		// Registration timing: the first of the two agreeing monitors
		// comes after the settle time too, not a whole interval.
		m.scheduled = true
		m.emit(Action{Kind: ScheduleMonitor, After: m.p.IMFSettle})
	}
}

// unregister drops IMF registration and the steady-state count.
func (m *Machine) unregister() {
	if m.imfRegistered {
		m.emit(Action{Kind: IMFUnregister})
		m.imfRegistered = false
	}
	m.steady = 0
}

// track counts equal consecutive monitor results in Online and Offline and
// registers with IMF once two agree (reference §6.2).
func (m *Machine) track(online bool) {
	if m.steady > 0 && m.steadyOnline == online {
		m.steady++
	} else {
		m.unregister()
		m.steady, m.steadyOnline, m.imfFailures = 1, online, 0
	}
	if m.imfRegistered || m.steady < 2 || !m.imfWants(online) || m.imfFailures >= max(m.p.RegisterRetryLimit, 1) {
		return
	}
	m.imfRegistered, m.imfOnline = true, online
	m.emit(Action{Kind: IMFRegister, Online: online})
}

// imfWants reports whether the IMF Mode covers a state (1 offline, 2
// online, 3 both).
func (m *Machine) imfWants(online bool) bool {
	return m.p.IMFMode == 3 || (online && m.p.IMFMode == 2) || (!online && m.p.IMFMode == 1)
}

// settling reports a resource seen once in a steady state its IMF Mode
// covers, not registered and not out of registration retries: its
// confirming monitor comes after Params.IMFSettle.
func (m *Machine) settling() bool {
	in := (m.st == Online && m.steadyOnline) || (m.st == Offline && !m.steadyOnline)
	return in && m.steady == 1 && !m.imfRegistered && m.imfWants(m.steadyOnline) &&
		m.imfFailures < max(m.p.RegisterRetryLimit, 1)
}
