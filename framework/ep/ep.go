package ep

import (
	"context"
	"time"

	"github.com/vigil-ha/vigil/framework/model"
)

// Name is an entry point name as VCS spells it.
type Name string

// Entry point names.
const (
	Open               Name = "open"
	Close              Name = "close"
	Online             Name = "online"
	Offline            Name = "offline"
	Monitor            Name = "monitor"
	Clean              Name = "clean"
	Action             Name = "action"
	Info               Name = "info"
	AttrChanged        Name = "attr_changed"
	Shutdown           Name = "shutdown"
	IMFInit            Name = "imf_init"
	IMFRegister        Name = "imf_register"
	IMFGetNotification Name = "imf_getnotification"
)

// All lists every entry point name.
var All = []Name{Open, Close, Online, Offline, Monitor, Clean, Action, Info, AttrChanged, Shutdown,
	IMFInit, IMFRegister, IMFGetNotification}

// Request is one call of an entry point for one resource.
type Request struct {
	EP       Name
	Type     string   // resource type name
	Resource string   // resource name ("" for shutdown, imf_init)
	Args     []string // argv after the program name, exactly as a script receives it
	Timeout  time.Duration
	Action   string   // action token, for Action
	Env      []string // extra environment (KEY=VALUE), e.g. LogDbg levels in force
	// Snapshot is the immutable configuration snapshot Args were built in
	// (nil for requests built by hand). Go agents, in-process or plugin,
	// read their typed attributes from it by the same ArgList and Ref:Attr
	// rules (arglist.BuildTyped).
	Snapshot *model.Config
}

// Outcome says how an entry point ended.
type Outcome int

// Outcomes of a run. Only Exited carries a meaningful exit code.
const (
	Exited    Outcome = iota // ran and returned an exit code
	Signaled                 // killed by a signal it did not get from us
	TimedOut                 // hit its deadline; its whole tree was killed
	ExecError                // could not be started (missing, not executable, bad interpreter)
	Canceled                 // the caller gave up (agent stopping)
)

// String names the outcome.
func (o Outcome) String() string {
	return [...]string{"exited", "killed by signal", "timed out", "exec failed", "canceled"}[o]
}

// Result is what an entry point returned. "Resource offline" is a value
// (ExitCode 100), never an error.
type Result struct {
	Outcome  Outcome
	ExitCode int    // for Exited
	Signal   string // for Signaled, e.g. "SIGSEGV"
	Err      error  // for ExecError and Canceled: the precise reason
	Output   []byte // captured stdout+stderr (capped)
	Duration time.Duration
}

// Implementation runs entry points of one type.
type Implementation interface {
	// Has reports whether the entry point is implemented (only monitor is mandatory).
	Has(Name) bool
	// Run runs one entry point and returns its result. A timed-out entry
	// point returns at its deadline with Outcome TimedOut; killing what it
	// started may go on after that, and the implementation guarantees that
	// none of it survives (for scripts, the runner.Runner's Drain waits for it).
	Run(ctx context.Context, req Request) Result
}

// Long is a long-running entry point started by a LongStarter
// (imf_getnotification).
type Long interface {
	// Result waits until it has ended and returns how.
	Result() Result
}

// LongStarter is an Implementation that can start a long-running entry
// point: a script agent's imf_getnotification, a Go agent's IMF
// notification stream. Each line it reports (a resource name, optionally
// followed by online or offline) goes to lines as it comes; it ends when
// ctx is canceled or on its own.
type LongStarter interface {
	StartLong(ctx context.Context, req Request, lines func(line []byte)) (Long, error)
}

// IMFCritical is the exit code of a long-running imf_getnotification that
// says IMF cannot work for the type: IMF is disabled for it until the
// agent restarts (design.md §3).
const IMFCritical = 4

// Monitor exit codes and their meanings (reference §1.3).
const (
	MonitorOffline            = 100
	MonitorOnlineMin          = 101
	MonitorOnlineMax          = 110
	MonitorUnknown            = 99
	MonitorIntentionalOffline = 200
)

// MonitorState is the meaning of a monitor result.
type MonitorState int

// Monitor meanings.
const (
	StateUnknown MonitorState = iota
	StateOnline
	StateOffline
	StateIntentionalOffline
	StateTimedOut
)

// String names the monitor state.
func (s MonitorState) String() string {
	return [...]string{"unknown", "online", "offline", "intentional offline", "monitor timed out"}[s]
}

// InterpretMonitor turns a monitor result into a state and a confidence
// level (0..100, for online only).
func InterpretMonitor(r Result) (MonitorState, int) {
	if r.Outcome == TimedOut {
		return StateTimedOut, 0
	}
	if r.Outcome != Exited {
		return StateUnknown, 0
	}
	switch c := r.ExitCode; {
	case c == MonitorOffline:
		return StateOffline, 0
	case c >= MonitorOnlineMin && c <= MonitorOnlineMax:
		return StateOnline, (c - 100) * 10
	case c == MonitorIntentionalOffline:
		return StateIntentionalOffline, 0
	default:
		return StateUnknown, 0
	}
}

// Observation is one entry-point run as the agent saw it, handed to its
// observers (metrics, the statistics engine): the request, the result, when
// the work was asked for (the engine's request, or the agent's own
// decision) and when the entry point started.
type Observation struct {
	Request Request
	Result  Result
	Queued  time.Time
	Started time.Time
}
