package host

import (
	"context"
	"fmt"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

var _ ep.LongStarter = (*Host)(nil)

// Long is a plugin's running notification stream.
type Long struct {
	done chan struct{}
	res  ep.Result
}

// Result waits until the stream has ended and returns how (as
// inproc.NotificationsResult says).
func (l *Long) Result() ep.Result {
	<-l.done
	return l.res
}

// StartLong opens the plugin's IMF notification stream for
// imf_getnotification; each resource it names becomes one line. A plugin
// that dies or is relaunched ends the stream with an error: the framework
// restarts it, after a monitor of every registered resource, once the
// plugin is back.
func (h *Host) StartLong(ctx context.Context, req ep.Request, lines func(line []byte)) (ep.Long, error) {
	if req.EP != ep.IMFGetNotification {
		return nil, fmt.Errorf("%s of type %q: %w", req.EP, req.Type, sdk.ErrNotImplemented)
	}
	inst, res, ok := h.instance(ctx, req)
	if !ok {
		return nil, res.Err
	}
	l := &Long{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		err := inst.agent.Notifications(ctx, req.Type, func(resource string) { lines([]byte(resource)) })
		l.res = inproc.NotificationsResult(ctx, req, err)
	}()
	return l, nil
}
