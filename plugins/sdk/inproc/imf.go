package inproc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"go.uber.org/zap"
)

// Long is a running notification stream of a Go agent (sdk.IMF), in
// process or in a plugin: the imf_getnotification of the framework's IMF
// protocol (ep.LongStarter).
type Long struct {
	done chan struct{}
	res  ep.Result
}

// Result waits until the stream has ended and returns how: exit 0 when
// the agent returned, ep.IMFCritical when it said IMF cannot work
// (sdk.ErrIMFUnavailable), 1 on another error, Canceled when ctx ended.
func (l *Long) Result() ep.Result {
	<-l.done
	return l.res
}

var _ ep.LongStarter = (*Impl)(nil)

// StartLong starts the agent's IMFNotifications for imf_getnotification;
// each resource it names becomes one line.
func (i *Impl) StartLong(ctx context.Context, req ep.Request, lines func(line []byte)) (ep.Long, error) {
	x, ok := i.agent.(sdk.IMF)
	if req.EP != ep.IMFGetNotification || !ok {
		return nil, fmt.Errorf("%s of type %q: %w", req.EP, req.Type, sdk.ErrNotImplemented)
	}
	return Stream(ctx, req, i.o.Logger, x.IMFNotifications, lines), nil
}

// Stream runs a notification stream (an agent's IMFNotifications, in
// process or through the plugin protocol) in a goroutine of its own as
// the long-running imf_getnotification of req; each resource it names
// becomes one line. A panic in it is recovered into log and the result.
func Stream(ctx context.Context, req ep.Request, log *zap.Logger, run func(context.Context, func(string)) error,
	lines func(line []byte)) *Long {
	l := &Long{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		defer func() {
			if p := recover(); p != nil {
				log.Error(fmt.Sprintf("IMF notifications panicked: %v\n%s", p, debug.Stack()))
				l.res = ep.Result{Outcome: ep.ExecError, Err: fmt.Errorf("%s of type %q: %w: %v", req.EP, req.Type, ErrPanic, p)}
			}
		}()
		err := run(ctx, func(resource string) { lines([]byte(resource)) })
		l.res = streamResult(ctx, req, err)
	}()
	return l
}

// streamResult is the result of a notification stream that returned err.
func streamResult(ctx context.Context, req ep.Request, err error) ep.Result {
	switch {
	case ctx.Err() != nil:
		return ep.Result{Outcome: ep.Canceled, Err: fmt.Errorf("%s of type %q: %w", req.EP, req.Type, ctx.Err())}
	case errors.Is(err, sdk.ErrIMFUnavailable):
		return ep.Result{Outcome: ep.Exited, ExitCode: ep.IMFCritical, Err: err, Output: []byte(err.Error())}
	case err != nil:
		return ep.Result{Outcome: ep.Exited, ExitCode: 1, Err: err, Output: []byte(err.Error())}
	}
	return ep.Result{Outcome: ep.Exited}
}
