// Package sdktest is the conformance suite every agent passes, whatever
// its kind: a script agent directory (runner.Script), a go-plugin binary
// (plugins/host) or a built-in Go agent (plugins/sdk/inproc). Run gives
// one ep.Implementation the same table of behaviours, in order, with
// requests built by agent.BuildRequest exactly as the daemon builds them:
//
//	probe            first monitor reports the fixture's starting state
//	online           online returns (wait 0..3600)
//	monitor online   monitor reports ONLINE with confidence 10..100
//	info             info succeeds with output (when implemented)
//	action           action output is at most 2048 bytes (when implemented)
//	attr_changed     attr_changed succeeds (when implemented)
//	offline          offline returns
//	monitor offline  monitor reports OFFLINE
//	clean            after online again, clean with reason 4 (unexpected
//	                 offline) succeeds and monitor reports OFFLINE
//	timeouts         a monitor whose deadline has passed returns (TimedOut or
//	                 a result) instead of hanging
//
// Persistent types (Operations None) run probe and timeouts only; OnOnly
// types skip offline. A behaviour whose entry point the agent lacks is
// skipped with the reason. Agent authors run it on theirs (see
// docs/writing-plugin-agents.md).
package sdktest
