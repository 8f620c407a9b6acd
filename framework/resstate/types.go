package resstate

import (
	"errors"
	"fmt"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

// ErrIllegal is wrapped by every error for an event the current state does
// not accept.
var ErrIllegal = errors.New("illegal transition")

// ErrNotSupported is wrapped when the type cannot do what was asked
// (Operations, or a missing entry point).
var ErrNotSupported = errors.New("not supported")

// State is an agent-internal resource state.
type State int

// Agent-internal states (reference §5.1).
const (
	Detached            State = iota // not managed: Enabled=0, or not yet opened
	Opening                          // open entry point running
	Probing                          // waiting for a first definite monitor result
	Online                           // steady online
	Offline                          // steady offline
	GoingOnline                      // online entry point running
	GoingOnlineWaiting               // online returned; waiting for monitor to confirm
	GoingOffline                     // offline entry point running
	GoingOfflineWaiting              // offline returned; waiting for monitor to confirm
	Cleaning                         // clean entry point running
	CleanFailed                      // clean failed; retried after the next monitor
	Faulted                          // fault is final; waits for Clear
	AdminWait                        // ManageFaults=NONE (or clean retries used up); waits for Clear
	Closing                          // close entry point running
	numStates
)

var stateNames = [...]string{"Detached", "Opening", "Probing", "Online", "Offline", "GoingOnline",
	"GoingOnlineWaiting", "GoingOffline", "GoingOfflineWaiting", "Cleaning", "CleanFailed", "Faulted",
	"AdminWait", "Closing"}

// String names the state.
func (s State) String() string {
	if s < 0 || s >= numStates {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// States lists every state, in declaration order.
func States() []State {
	out := make([]State, numStates)
	for i := range out {
		out[i] = State(i)
	}
	return out
}

// running reports whether an entry point other than monitor is running in s.
func (s State) running() bool {
	switch s {
	case Opening, GoingOnline, GoingOffline, Cleaning, Closing:
		return true
	}
	return false
}

// Kind is the kind of an event.
type Kind int

// Event kinds.
const (
	Enable           Kind = iota // Enabled became 1 (or the resource was added enabled)
	Disable                      // Enabled became 0: close, then Detached
	Remove                       // the resource is deleted: close per the reference table, then Detached
	OpenDone                     // open returned or timed out
	CloseDone                    // close returned or timed out
	Probe                        // probe requested: monitor now
	OnlineRequested              // the engine asks for online
	OfflineRequested             // the engine asks for offline
	Clear                        // clear a FAULTED or ADMIN_WAIT resource
	MonitorResult                // monitor returned (Monitor, Confidence)
	MonitorTimedOut              // monitor hit MonitorTimeout
	OnlineDone                   // online returned (Wait = seconds it asked for)
	OnlineTimedOut               // online hit OnlineTimeout
	OfflineDone                  // offline returned (Wait)
	OfflineTimedOut              // offline hit OfflineTimeout
	CleanDone                    // clean returned (OK) or timed out (not OK)
	IMFResult                    // result of an IMFRegister action (OK)
	IMFReset                     // an IMF-relevant attribute changed: unregister, wait for steady state again
	OfflineExpired               // the engine's deadline for taking the resource offline passed (fencing): clean now
	numKinds
)

var kindNames = [...]string{"Enable", "Disable", "Remove", "OpenDone", "CloseDone", "Probe", "OnlineRequested",
	"OfflineRequested", "Clear", "MonitorResult", "MonitorTimedOut", "OnlineDone", "OnlineTimedOut",
	"OfflineDone", "OfflineTimedOut", "CleanDone", "IMFResult", "IMFReset", "OfflineExpired"}

// String names the event kind.
func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Kinds lists every event kind, in declaration order.
func Kinds() []Kind {
	out := make([]Kind, numKinds)
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

// Event is one input of the machine.
type Event struct {
	Kind       Kind
	Now        time.Time
	Monitor    ep.MonitorState // MonitorResult
	Confidence int             // MonitorResult, for online
	Wait       int             // OnlineDone, OfflineDone: seconds (in Params.Unit) before the first monitor
	OK         bool            // CleanDone, IMFResult
}

// MonitorEvent turns a monitor result into an event.
func MonitorEvent(r ep.Result, now time.Time) Event {
	st, conf := ep.InterpretMonitor(r)
	if st == ep.StateTimedOut {
		return Event{Kind: MonitorTimedOut, Now: now}
	}
	return Event{Kind: MonitorResult, Now: now, Monitor: st, Confidence: conf}
}

// DoneEvent turns the result of open, close, online, offline or clean into
// an event. For online and offline, an exit code in 1..3600 is the number of
// seconds to wait before the first monitor; anything else waits 0.
func DoneEvent(name ep.Name, r ep.Result, now time.Time) (Event, error) {
	e := Event{Now: now}
	wait := 0
	if r.Outcome == ep.Exited && r.ExitCode > 0 && r.ExitCode <= 3600 {
		wait = r.ExitCode
	}
	switch name {
	case ep.Open:
		e.Kind = OpenDone
	case ep.Close:
		e.Kind = CloseDone
	case ep.Online:
		e.Kind, e.Wait = OnlineDone, wait
		if r.Outcome == ep.TimedOut {
			e.Kind, e.Wait = OnlineTimedOut, 0
		}
	case ep.Offline:
		e.Kind, e.Wait = OfflineDone, wait
		if r.Outcome == ep.TimedOut {
			e.Kind, e.Wait = OfflineTimedOut, 0
		}
	case ep.Clean:
		e.Kind, e.OK = CleanDone, r.Outcome == ep.Exited && r.ExitCode == 0
	default:
		return e, fmt.Errorf("entry point %q: %w: no state event", name, ErrNotSupported)
	}
	return e, nil
}

// CleanReason is the reason passed to clean (reference §1.4).
type CleanReason int

// Clean reasons.
const (
	OfflineHung         CleanReason = 0
	OfflineIneffective  CleanReason = 1
	OnlineHung          CleanReason = 2
	OnlineIneffective   CleanReason = 3
	UnexpectedOffline   CleanReason = 4
	MonitorHung         CleanReason = 5
	noReason            CleanReason = -1
	cleanReasonsDefined             = 6
)

var reasonNames = [...]string{"offline hung", "offline ineffective", "online hung", "online ineffective",
	"unexpected offline", "monitor hung"}

// String describes the reason.
func (r CleanReason) String() string {
	if r < 0 || r >= cleanReasonsDefined {
		return "none"
	}
	return reasonNames[r]
}

// ActionKind is the kind of an action.
type ActionKind int

// Action kinds.
const (
	RunEP           ActionKind = iota // run entry point EP (clean with CleanReason)
	ScheduleMonitor                   // the next periodic monitor is due After from now (replaces any pending one)
	StopMonitor                       // no periodic monitor until told again
	Report                            // the engine-visible state changed to State
	Notify                            // something worth an event: Note (events.KindFault, ...) and Detail
	IMFRegister                       // register with IMF for Online (true) or offline monitoring
	IMFUnregister                     // unregister from IMF
)

// Action is one output of the machine.
type Action struct {
	Kind        ActionKind
	EP          ep.Name
	CleanReason CleanReason
	After       time.Duration
	State       state.ResourceState // Report
	Note        events.Kind         // Notify
	Detail      string
	Online      bool
}

// String renders the action for logs and scenario files.
func (a Action) String() string {
	switch a.Kind {
	case RunEP:
		if a.EP == ep.Clean {
			return fmt.Sprintf("run clean reason=%d (%s)", int(a.CleanReason), a.CleanReason)
		}
		return "run " + string(a.EP)
	case ScheduleMonitor:
		return "monitor after " + a.After.String()
	case StopMonitor:
		return "monitor stop"
	case Report:
		return "report " + a.State.String()
	case Notify:
		return "notify " + string(a.Note) + ": " + a.Detail
	case IMFRegister:
		if a.Online {
			return "imf register online"
		}
		return "imf register offline"
	case IMFUnregister:
		return "imf unregister"
	}
	return fmt.Sprintf("action(%d)", int(a.Kind))
}
