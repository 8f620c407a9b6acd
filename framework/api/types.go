package api

import (
	"context"
	"os"

	"github.com/vigil-ha/vigil/framework/api/wire"
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
	Status() wire.StatusView
	Resources() []wire.ResourceView
	Resource(name string) (wire.ResourceView, error)
	Value(res, attr string) (wire.AttrView, error)
	OnlineResource(ctx context.Context, name string, wait bool) error
	OfflineResource(ctx context.Context, name string, wait bool) error
	Probe(name string) error
	Clear(name string) error
	RefreshInfo(name string) error
	Action(ctx context.Context, name, token string, args []string) (ep.Result, error)
	Modify(res, attr string, values []string) error
	Groups() []wire.GroupView
	Group(name string) (wire.GroupView, error)
	OnlineGroup(ctx context.Context, name string, wait bool) error
	OfflineGroup(ctx context.Context, name string, wait bool) error
	Types() []wire.TypeView
	Type(name string) (wire.TypeView, error)
}

var _ Backend = (*engine.Engine)(nil)
