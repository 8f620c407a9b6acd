// Package daemon wires vigil together: it is what `vigil agent` runs and
// what `vigil ep` borrows, as a package that tests start in-process.
//
// It owns the daemon's life cycle and the choices made once per daemon:
// loading and checking the configuration, choosing this system's name,
// locking the state directory, the log files, the VCS_HOME compatibility
// tree and the agent search path (Env), the registry that picks how each
// type's entry points run (Registry), the event bus with its subscribers
// (engine log, triggers, metrics) and the local API server. It owns no
// policy: states and their transitions are resstate's, scheduling is the
// agent's, groups and dependencies are the engine's.
//
//	New(Settings)                        Run(ctx)
//	  load + validate main.cf              API socket, engine.New
//	  choose the system                    triggers + metrics follow the bus
//	  lock the state directory             engine.Start: agents (Registry), probes,
//	  logs, subreaper, Env (VCS_HOME)        AutoStart            ──▶ Ready()
//	                                       <-ctx.Done()
//	                                       engine.Stop, Runner.Drain, bus.Close,
//	                                       API server stop, unlock
//
// The cmd/vigil commands only turn flags into Settings and print.
package daemon
