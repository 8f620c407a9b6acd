package events

// Kind is the kind of an event. Its text is what `vigil events`, the engine
// log and the JSON stream show; every kind vigil produces is a constant
// below, so a typo does not compile.
type Kind string

// Kinds of resource events, produced by the agent and its state machine.
const (
	KindState          Kind = "state"           // engine-visible state changed (From, To)
	KindFault          Kind = "fault"           // the resource faulted
	KindRestart        Kind = "restart"         // a local restart began
	KindClean          Kind = "clean"           // clean succeeded or failed
	KindMonitorTimeout Kind = "monitor-timeout" // monitor hit MonitorTimeout
	KindOnlineFailed   Kind = "online-failed"   // online could not be completed
	KindOfflineFailed  Kind = "offline-failed"  // offline could not be completed
	KindEPError        Kind = "ep-error"        // an entry point could not run (exec error, signal, bad arguments)
	KindInfo           Kind = "info"            // something worth knowing, no state change
	KindAdminWait      Kind = "admin-wait"      // the resource waits for an administrator
)

// Kinds of engine events.
const (
	KindGroupState      Kind = "group-state"      // a group's state changed (From, To)
	KindGroupFault      Kind = "group-fault"      // a Critical fault took the group down
	KindPropagate       Kind = "propagate"        // a fault propagated to a dependent resource
	KindAttr            Kind = "attr-changed"     // an attribute was modified
	KindEngine          Kind = "engine"           // engine life cycle: start, probes done, stop
	KindAgentError      Kind = "agent-error"      // an agent could not be started
	KindAutoStartFailed Kind = "autostart-failed" // AutoStart of a group failed
	KindRequest         Kind = "request"          // an online/offline request was sent to an agent
	KindTrigger         Kind = "trigger"          // a trigger script ran (or failed)
	KindEventsLost      Kind = "events-lost"      // a bus subscriber fell behind and lost events
)

// Kinds of intelligent-monitoring events.
const (
	KindIMFRegistered   Kind = "imf-registered"   // a resource was registered with an IMF source
	KindIMFUnregistered Kind = "imf-unregistered" // a resource was unregistered
	KindIMFEvent        Kind = "imf-event"        // an IMF source reported a change of a resource
	KindIMFRescan       Kind = "imf-rescan"       // an IMF source lost events: every resource of it is monitored now
	KindIMFFallback     Kind = "imf-fallback"     // an IMF source cannot work here: its resources are polled
)

// Kinds of monitor statistics notifications.
const (
	KindStatsSudden  Kind = "stats-sudden-change"  // a monitor cycle took much longer than ExpectedValue
	KindStatsGradual Kind = "stats-gradual-change" // the moving average drifted from the benchmark
)

// AllKinds lists every kind, sorted by text.
func AllKinds() []Kind {
	return []Kind{KindAdminWait, KindAgentError, KindAttr, KindAutoStartFailed, KindClean, KindEngine,
		KindEPError, KindEventsLost, KindFault, KindGroupFault, KindGroupState, KindIMFEvent,
		KindIMFFallback, KindIMFRegistered, KindIMFRescan, KindIMFUnregistered, KindInfo, KindMonitorTimeout,
		KindOfflineFailed, KindOnlineFailed, KindPropagate, KindRequest, KindRestart, KindState,
		KindStatsGradual, KindStatsSudden, KindTrigger}
}
