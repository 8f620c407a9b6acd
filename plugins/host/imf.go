package host

import (
	"context"
	"fmt"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

var _ ep.LongStarter = (*Host)(nil)

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
	notifications := func(ctx context.Context, notify func(string)) error {
		return inst.agent.Notifications(ctx, req.Type, notify)
	}
	return inproc.Stream(ctx, req, h.o.Logger, notifications, lines), nil
}
