package api

import (
	"context"
	"os"

	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/ep"
)

// DefaultSocket is where the daemon listens unless told otherwise.
const DefaultSocket = "/run/vigil/vigil.sock"

// SocketEnv names the environment variable that overrides DefaultSocket.
const SocketEnv = "VIGIL_SOCKET"

// SocketPath returns flag if set, else $VIGIL_SOCKET, else DefaultSocket.
func SocketPath(flag string) string {
	if flag != "" {
		return flag
	}
	if s := os.Getenv(SocketEnv); s != "" {
		return s
	}
	return DefaultSocket
}

// Backend is what the server needs of the engine; *engine.Engine
// satisfies it.
type Backend interface {
	Status() engine.StatusView
	Resources() []engine.ResourceView
	Resource(name string) (engine.ResourceView, error)
	Value(res, attr string) (engine.AttrView, error)
	OnlineResource(ctx context.Context, name string, wait bool) error
	OfflineResource(ctx context.Context, name string, wait bool) error
	Probe(name string) error
	Clear(name string) error
	RefreshInfo(name string) error
	Action(ctx context.Context, name, token string, args []string) (ep.Result, error)
	Modify(res, attr string, values []string) error
	Groups() []engine.GroupView
	Group(name string) (engine.GroupView, error)
	OnlineGroup(ctx context.Context, name string, wait bool) error
	OfflineGroup(ctx context.Context, name string, wait bool) error
	Types() []engine.TypeView
	Type(name string) (engine.TypeView, error)
}

var _ Backend = (*engine.Engine)(nil)

// IMFWatch is one registered watch, as `vigil imf status` shows it.
type IMFWatch struct {
	Plugin   string `json:"plugin"`
	Type     string `json:"type"`
	Resource string `json:"resource"`
	Watch    string `json:"watch"`
	State    string `json:"state"`
}

// StateReply answers GET /v1/resources/{name}/state.
type StateReply struct {
	Resource string   `json:"resource"`
	State    string   `json:"state"`
	Flags    []string `json:"flags,omitempty"`
}

// ActionRequest is the body of POST /v1/resources/{name}/action.
type ActionRequest struct {
	Token string   `json:"token"`
	Args  []string `json:"args,omitempty"`
}

// ActionReply carries the action entry point's result.
type ActionReply struct {
	ExitCode int    `json:"exit_code"`
	Outcome  string `json:"outcome"`
	Output   string `json:"output"`
}

// ModifyRequest is the body of POST /v1/resources/{name}/modify.
type ModifyRequest struct {
	Attribute string   `json:"attribute"`
	Values    []string `json:"values"`
}

// OpRequest is the optional body of online/offline requests.
type OpRequest struct {
	// Wait makes the request return only once the steady state is reached
	// or the operation failed.
	Wait bool `json:"wait,omitempty"`
	// Timeout bounds the wait, as a Go duration ("90s"); empty = no bound.
	Timeout string `json:"timeout,omitempty"`
}

// ErrorReply is the body of every error answer.
type ErrorReply struct {
	Error string `json:"error"`
}

// OKReply answers commands that return nothing else.
type OKReply struct {
	OK bool `json:"ok"`
}
