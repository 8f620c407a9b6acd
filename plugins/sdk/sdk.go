package sdk

import (
	"context"
	"errors"
	"strconv"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// State is what monitor found.
type State int

// Monitor states. The zero value is Unknown.
const (
	Unknown State = iota
	Online
	Offline
	// IntentionalOffline is offline on purpose (VCS exit code 200): the
	// resource is not faulted when IntentionalOffline=1 on its type.
	IntentionalOffline
)

// String names the state as VCS logs do.
func (s State) String() string {
	switch s {
	case Online:
		return "ONLINE"
	case Offline:
		return "OFFLINE"
	case IntentionalOffline:
		return "INTENTIONAL OFFLINE"
	}
	return "UNKNOWN"
}

// CleanReason is why clean runs (VCS reference §1.4).
type CleanReason int

// Clean reasons, with VCS's numbering.
const (
	CleanOfflineHung     CleanReason = iota // offline did not complete in time
	CleanOfflineIneffect                    // offline completed but the resource is still online
	CleanOnlineHung                         // online did not complete in time
	CleanOnlineIneffect                     // online completed but the resource is not online
	CleanUnexpectedOff                      // the resource went offline on its own
	CleanMonitorHung                        // monitor timed out FaultOnMonitorTimeouts times
)

// InfoOp is the operation info is asked for: 1 the first time after the
// resource came online, 2 afterwards.
type InfoOp int

// Info operations.
const (
	InfoInitialize InfoOp = 1
	InfoUpdate     InfoOp = 2
)

// Resource is the resource one call is about.
type Resource struct {
	// Name is the resource name ("" for Shutdown).
	Name string
	// Type is the resource type name.
	Type string
	// Attrs are the ArgList attributes in ArgList order, typed.
	Attrs Attrs
	// Log writes to the type's agent log with the resource and entry point
	// as fields; never nil.
	Log *zap.Logger
}

// Agent is the one interface every agent implements: monitor is the only
// mandatory entry point.
type Agent interface {
	// Monitor reports the resource's state; confidence (10..100, in tens;
	// 0 = 100) matters for Online only. An error is logged and counts as
	// Unknown.
	Monitor(ctx context.Context, r *Resource) (State, int, error)
}

// Onliner brings a resource online. wait is how many seconds (0..3600) the
// framework waits before the first monitor; an error is logged and the
// monitor that follows decides.
type Onliner interface {
	Online(ctx context.Context, r *Resource) (wait int, err error)
}

// Offliner takes a resource offline; as Online.
type Offliner interface {
	Offline(ctx context.Context, r *Resource) (wait int, err error)
}

// Cleaner forcibly stops a resource after a failure. nil means the
// resource is clean; an error means clean failed (and is retried per
// CleanRetryLimit).
type Cleaner interface {
	Clean(ctx context.Context, r *Resource, reason CleanReason) error
}

// Actioner runs the action named by token with its arguments and returns
// its output (capped at 2048 bytes by the framework).
type Actioner interface {
	Action(ctx context.Context, r *Resource, token string, args []string) (string, error)
}

// Informer returns information about an online resource (ResourceInfo's
// Msg).
type Informer interface {
	Info(ctx context.Context, r *Resource, op InfoOp) (string, error)
}

// Opener prepares a resource when it is enabled or the agent starts.
type Opener interface {
	Open(ctx context.Context, r *Resource) error
}

// Closer releases what Open prepared.
type Closer interface {
	Close(ctx context.Context, r *Resource) error
}

// AttrChange is one attribute change as attr_changed receives it: the
// resource whose attribute changed (this one or one it refers to by
// Ref:Attr), the attribute and its new value.
type AttrChange struct {
	Resource string
	Attr     string
	Value    []string
}

// AttrChanger is told about attribute changes of its resources.
type AttrChanger interface {
	AttrChanged(ctx context.Context, r *Resource, c AttrChange) error
}

// Shutdowner runs once when the agent stops (r.Name is "").
type Shutdowner interface {
	Shutdown(ctx context.Context, r *Resource) error
}

// ErrNotImplemented is returned (wrapped) for an entry point the agent does
// not implement.
var ErrNotImplemented = errors.New("entry point not implemented")

// Log fields the agent log understands (framework/agentlog's FieldMsgID,
// FieldCategory, FieldSeverity): a plugin's JSON log lines carry them too.
const (
	LogMsgID    = "msgid"
	LogCategory = "cat"
	LogSeverity = "sev"
	// AgentCategory is the UMI category of agent messages, as the helper
	// library's VCSAG_LOG_MSG writes them (V-16-10000-<id>).
	AgentCategory = "10000"
)

// MsgID tags a log line with its UMI message id in the agent category, as
// VCSAG_LOG_MSG does: the line reads `V-16-10000-<id>`.
func MsgID(id int) zap.Field {
	return zap.Inline(umi(id))
}

type umi int

func (u umi) MarshalLogObject(e zapcore.ObjectEncoder) error {
	e.AddString(LogCategory, AgentCategory)
	e.AddString(LogMsgID, strconv.Itoa(int(u)))
	return nil
}

// Notice marks an Info line as NOTICE, the severity of VCSAG_LOG_MSG "N".
var Notice = zap.String(LogSeverity, "NOTICE")
