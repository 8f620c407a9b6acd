// Package stats is the monitor statistics engine (ComputeStats,
// MonitorStatsParam, MonitorTimeStats; design.md §3 "Agent statistics
// rule"). It is pure: completed monitor cycles come in with their times,
// durations and resolved parameters, notifications come out as values. It
// starts nothing, reads no clock and does no I/O; the daemon feeds it from
// the agent's MonitorDone hook and turns its notifications into events.
//
// It owns the rule, the per-resource state (Tracker), the set of trackers
// of a daemon (Book), the report `vigil stats` prints (Report) and the
// suggested MonitorTimeout. It does not own the events, metrics, triggers
// or the API views built from its values.
//
// One cycle through a Tracker:
//
//	Add(Cycle) ──▶ parameters changed? ──yes──▶ restart the rule state
//	                 │ no
//	                 ▼
//	          measured? (ONLINE, ComputeStats=1, Frequency 1..30)
//	                 │ no: end the spike run, count nothing
//	                 ▼ yes
//	  duration > ExpectedValue × (1 + ValueThreshold/100)?
//	      yes: spike; the 1st of a run is notified at once, then one
//	           collective notification per 10 further spikes
//	      no:  the run ends
//	                 ▼
//	  every Frequency cycles: MonitorTimeStats = {Avg of the last Frequency, TS};
//	  the first Avg is the benchmark
//	                 ▼
//	  |moving average − benchmark| > AvgThreshold % of the benchmark?
//	      yes: gradual notification; the moving average is the new benchmark
package stats
