// Package resstate is the resource state machine of the agent framework: the
// agent-internal states of one resource, the events that move it and the
// actions it asks for. It implements the fault and retry policies of VCS
// (OnlineWaitLimit, OfflineWaitLimit, OnlineRetryLimit, CleanRetryLimit,
// ToleranceLimit, RestartLimit within ConfInterval, FaultOnMonitorTimeouts,
// IntentionalOffline, ManageFaults, Operations) and the steady-state
// detection that IMF registration waits for.
//
// It is pure: no goroutines, no clock, no processes, no I/O. Time arrives
// inside events; work to do leaves as actions (run an entry point, schedule
// the next monitor, report an engine-visible state, notify, register with
// IMF). Package agent owns queues, workers, timers and entry-point calls.
//
// Every legal (state, event) pair is one entry of a single transition table
// listing the states it may lead to; any other pair is an error wrapping
// ErrIllegal.
//
// Main paths (see docs/state-machine.md for the full drawing):
//
//	Detached --Enable--> Opening --OpenDone--> Probing --monitor--> Online | Offline
//	Offline --OnlineRequested--> GoingOnline --OnlineDone--> GoingOnlineWaiting --online--> Online
//	Online --OfflineRequested--> GoingOffline --OfflineDone--> GoingOfflineWaiting --offline--> Offline
//	Online --offline beyond ToleranceLimit--> Cleaning(4) --ok--> GoingOnline (restart) | Faulted
//	Cleaning --failed--> CleanFailed --next monitor--> Cleaning ...
package resstate
