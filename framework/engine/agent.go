package engine

import (
	"context"
	"errors"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// Engine-visible resource states.
const (
	StateOnline  = "ONLINE"
	StateOffline = "OFFLINE"
	StateFaulted = "FAULTED"
	StateUnknown = "UNKNOWN"
)

// Group states (a group may also carry the FAULTED flag).
const (
	GroupOnline  = "ONLINE"
	GroupOffline = "OFFLINE"
	GroupPartial = "PARTIAL"
	GroupUnknown = "UNKNOWN"
)

// ResourceStatus is what an agent reports about one resource.
type ResourceStatus struct {
	State        string
	Flags        []string
	Internal     string
	Confidence   int
	LastMonitor  time.Time
	Counters     map[string]int
	ResourceInfo map[string]string
	Enabled      bool
}

// Agent is what the engine needs of the per-type agent; package agent's
// *Agent satisfies it through the adapter in cmd/vigil. Online and Offline
// are asynchronous: their outcome arrives as events and status changes.
type Agent interface {
	Add(r *model.Resource) error
	Remove(name string) error
	Update(r *model.Resource, changed []string) error
	Online(name string) error
	Offline(name string) error
	Probe(name string) error
	Clear(name string) error
	Action(ctx context.Context, name, token string, args []string) (ep.Result, error)
	RefreshInfo(name string) error
	Status(name string) (ResourceStatus, bool)
	Stop(ctx context.Context) error
}

// AgentFactory creates and starts the agent of one type. notify must be
// called for every agent event; it never blocks for long.
type AgentFactory func(t *model.Type, notify func(events.Event)) (Agent, error)

// Sentinel errors; the API maps them to HTTP status codes.
var (
	// ErrNotFound: the named resource, group, type or attribute does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request is malformed or a value does not fit.
	ErrInvalid = errors.New("invalid request")
	// ErrConflict: the request is valid but the current state forbids it.
	ErrConflict = errors.New("conflict")
	// ErrFailed: an operation was carried out and failed (fault, timeout).
	ErrFailed = errors.New("operation failed")
)
