// Package agent is the per-type agent of the framework: it holds the
// resources of one type, each with its resstate.Machine, and runs their
// entry points on a pool of NumThreads workers through an
// ep.Implementation (scripts, a plugin, built-in Go code, or an ep.Mux of
// them).
//
// It owns per-resource serialisation and the VCS queueing rules (at most one
// entry point per resource at a time; a periodic monitor is dropped when a
// monitor is running or queued; requests run in order, so offline runs
// before a later close), the scheduling of periodic monitors
// (MonitorInterval / OfflineMonitorInterval, times IMF MonitorFreq while
// registered, LevelTwoMonitorFreq), info runs (InfoInterval), immediate
// monitors asked for by IMF events (MonitorNow), attr_changed for RegList
// attributes, open/close on Enabled changes and on add/remove, and the
// shutdown entry point on Stop. Time comes from an injected clock.Clock.
//
// It does not decide what a monitor result means (package resstate does),
// start processes (package runner does) or build argument lists (package
// arglist does, in the registration version of Options.ArgVersion or of the
// Impl, e.g. V40 for a runner.Script whose <Type>Agent links to
// ScriptAgent; unless Options.Args replaces it).
//
// Life of a resource in the agent:
//
//	Add ──► [Enable job] ──► open ──► monitor (probe) ──► periodic monitors ...
//	Online/Offline/Probe/Clear ──► job queue ──► worker ──► Machine.Step ──► actions
//	actions: RunEP (queued first) · ScheduleMonitor (timer) · Report/Notify (Options.Notify) · IMF
//	Remove ──► [Remove job] ──► close (per the reference table) ──► forgotten
package agent
