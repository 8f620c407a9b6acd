package api

import (
	"context"
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

type credKey struct{}

// peer is the credentials of the process at the other end of a connection;
// Err set means they could not be read and the connection must be refused.
type peer struct {
	UID, PID int
	Err      error
}

// peerCred reads SO_PEERCRED of a Unix socket connection.
func peerCred(c net.Conn) peer {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return peer{Err: fmt.Errorf("connection from %s is not a unix socket", c.RemoteAddr())}
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
		return peer{Err: fmt.Errorf("getsockopt SO_PEERCRED: %w", cerr)}
	}
	if cred == nil {
		return peer{Err: fmt.Errorf("getsockopt SO_PEERCRED: no credentials returned")}
	}
	return peer{UID: int(cred.Uid), PID: int(cred.Pid)}
}

// withPeer records the connection's peer credentials in its context
// (http.Server.ConnContext).
func withPeer(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := c.(*limitConn); ok {
		c = lc.Conn // the credentials are the socket's
	}
	return context.WithValue(ctx, credKey{}, peerCred(c))
}

// peerFrom returns the credentials withPeer recorded; ok is false when
// none were.
func peerFrom(ctx context.Context) (peer, bool) {
	p, ok := ctx.Value(credKey{}).(peer)
	return p, ok
}
