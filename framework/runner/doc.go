// Package runner is the one package of vigil that starts processes. A
// Runner (New) runs script entry points (Script, an ep.Implementation for a
// VCS agent directory, created with the Runner that runs it) and any other
// child vigil needs (Runner.RunCommand, Runner.Start: trigger scripts,
// imf_getnotification), all with the same guarantees:
//
//   - the child runs in its own process group, with a clean environment given
//     by the caller, stdin /dev/null and a working directory;
//   - stdout and stderr share one pipe, are captured up to a cap and each line
//     is logged; a second pipe on fd 3 (VCSAG_LOG_FD) carries the log records
//     and timeout extensions of the VCSAG_* helper library;
//   - at the deadline (or when the context is canceled) the run ends at once
//     with Outcome TimedOut (Canceled) and the child's whole tree is killed in
//     the background: SIGTERM, then SIGKILL KillGrace (2 s) later, repeated
//     until nothing of it is left;
//   - processes a child leaves behind when it exits normally (the daemon an
//     online script starts) are the resource and are left alone.
//
// Lifecycle of one run:
//
//	Start ──► running ──exit──────────────────────► Result{Exited|Signaled}
//	             │
//	             └─deadline/cancel─► Result{TimedOut|Canceled}  (returned at once)
//	                                    │
//	                                    └─ background: TERM tree ─2s─► KILL tree
//	                                       until the /proc scan finds no member;
//	                                       Drain waits for this.
//
// Tree membership. A timed-out child's tree is every process that (a) is in
// the child's process group, (b) descends from a member by PPid, (c) is in a
// session led by a member (a grandchild that called setsid), or (d) carries
// the run's marker variable VIGIL_RUN_ID in its environment, which every
// descendant inherits unless it clears its environment. (d) finds processes
// whose parent died, were re-parented to a subreaper or init, and left the
// group and session. Every member seen is remembered (pid and start time)
// across the scans of one kill. Where this process may create cgroup v2
// groups below its own, each run is also cloned into a cgroup of its own
// (CLONE_INTO_CGROUP) and (e) every process in it is a member, which
// catches even a double-forked, setsid'd grandchild with a cleared
// environment; SIGKILL rounds then also write cgroup.kill. Empty run
// cgroups are reused; one still holding a left-behind process (a resource)
// is kept until that process is gone. Options.NoCgroups turns this off.
//
// Reaping. A daemon that calls Runner.BecomeSubreaper adopts the orphans of
// its entry points; a reaper goroutine, woken by SIGCHLD, reaps every zombie
// child of the process that runner did not start itself, until Close.
// Children started by runner are registered in a Reaper under a lock held
// across fork, so the reaper never steals their exit status from their own
// Wait. Code that must start a child another way (go-plugin) does so inside
// Reaper.StartOwned.
//
// State. Everything that outlives one run belongs to a Runner, not to the
// package: its cgroup base (<own cgroup>/vigil-<pid>-<token>), the pool of
// empty run cgroups and the list of those still holding a resource, the run
// numbering in the markers (<pid>-<token>-<n>), and the pending background
// kills. Two Runners in one process (tests, a plugin host) share none of
// it: Drain of one does not wait for the kills of the other, Close of one
// leaves the cgroups of the other. Two things belong to the process by
// nature: the subreaper attribute (prctl) and the knowledge of which zombie
// children are orphans. The latter is a Reaper value; while a Runner is a
// subreaper, the Runners running children beside it must share its Reaper
// (Options.Reaper), or the reaping would steal their children's exit
// status. The package has no mutable variables.
//
//	New(Options) ─► [BecomeSubreaper] ─► RunCommand / Start / Script.Run ...
//	                                          │
//	              Close() ◄── Drain(ctx) ◄────┘   (shutdown, end of a test)
//
// The ep.Implementation contract ("Run returns only when nothing it started is
// still running") holds for normal exits; for a timed-out or canceled run,
// Run returns at the deadline and the Runner's Drain waits until the kill
// has finished. Daemon shutdown and tests call Drain, then Close.
//
// A program without a #! line is run by /bin/sh. A Perl entry point that
// names the VCS Perl (/opt/VRTSperl/bin/perl) on its #! line or in the
// `eval 'exec ... perl ...' if 0;` idiom runs under the system perl when the
// host has no VCS Perl (perlcompat.go).
//
// Registration version. NewScript learns the version an agent directory
// registers with, as VCS does from the stock binary it runs (AgentVersion):
// `<Type>Agent` a symlink to ScriptAgent is V40 (positional argv), to
// Script50Agent, Script51Agent or newer V50; absent, V50. Script.Version
// reports it (arglist.Versioned) so the agent and `vigil ep` build argv with
// arglist.ForEPVersion.
//
// Runner.Start runs a long-running child (imf_getnotification) with the
// same guarantees and streams its output lines (RunOptions.Lines).
//
// It does not build argv (package arglist does), interpret results into
// resource states (ep.InterpretMonitor, the agent) or write log files
// (package agentlog).
package runner
