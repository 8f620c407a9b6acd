package api

import (
	"context"
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

type credKey struct{}

// peer is the credentials of the process at the other end of a connection.
type peer struct {
	UID, PID int
	Err      error
}

// peerCred reads SO_PEERCRED of a Unix socket connection.
func peerCred(c net.Conn) peer {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return peer{Err: fmt.Errorf("connection is not a unix socket")}
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return peer{Err: err}
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return peer{Err: err}
	}
	if cerr != nil {
		return peer{Err: cerr}
	}
	return peer{UID: int(cred.Uid), PID: int(cred.Pid)}
}

func withPeer(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, credKey{}, peerCred(c))
}

func peerFrom(ctx context.Context) (peer, bool) {
	p, ok := ctx.Value(credKey{}).(peer)
	return p, ok
}
