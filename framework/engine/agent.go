package engine

import (
	"context"
	"errors"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// Agent is what the engine needs of the per-type agent; package agent's
// *Agent satisfies it. Online and Offline are asynchronous: their outcome
// arrives as events and status changes.
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
	Status(name string) (agent.Status, bool)
	Stop(ctx context.Context) error
}

var _ Agent = (*agent.Agent)(nil)

// AgentHooks is what the engine hands a new agent: where to send its events
// and where to read the configuration from.
type AgentHooks struct {
	// Notify must be called for every agent event; it never blocks for long.
	Notify func(events.Event)
	// Snapshot returns the configuration in force: an immutable snapshot,
	// against which the agent builds each entry point's arguments
	// (ArgList, Ref:Attr).
	Snapshot func() *model.Config
}

// AgentFactory creates and starts the agent of one type.
type AgentFactory func(t *model.Type, h AgentHooks) (Agent, error)

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
