package host

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// pollInterval is how often the supervisor looks for a plugin that exited
// while idle.
const pollInterval = 200 * time.Millisecond

// checkHung pings inst after a timed-out call, in the background: a plugin
// that does not answer within PingTimeout hangs and is retired.
func (h *Host) checkHung(inst *instance) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), h.o.PingTimeout)
		defer cancel()
		if _, err := inst.agent.Describe(ctx); err != nil {
			h.o.Logger.Error("plugin does not answer after a timed-out entry point; killing it",
				zap.Int("pid", inst.pid), zap.Error(err))
			h.retire(inst)
		}
	}()
}

// retire kills inst if it is still the current instance and wakes the
// supervisor to relaunch.
func (h *Host) retire(inst *instance) {
	h.mu.Lock()
	if h.cur != inst {
		h.mu.Unlock()
		return
	}
	h.cur = nil
	h.up = make(chan struct{})
	h.mu.Unlock()
	h.kill(inst)
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// supervise relaunches the plugin whenever it is gone, with capped
// exponential backoff, and calls OnRelaunch after each relaunch.
func (h *Host) supervise() {
	defer h.wg.Done()
	backoff := h.o.MinBackoff
	for {
		select {
		case <-h.done:
			return
		case <-h.kick:
		case <-h.o.Clock.After(pollInterval):
		}
		h.mu.Lock()
		inst := h.cur
		h.mu.Unlock()
		if inst != nil {
			if !inst.client.Exited() {
				continue
			}
			h.o.Logger.Error("plugin exited; relaunching", zap.Int("pid", inst.pid))
			h.retire(inst)
		}
		for !h.relaunch() {
			h.o.Logger.Warn("plugin relaunch failed; retrying", zap.Duration("backoff", backoff))
			select {
			case <-h.done:
				return
			case <-h.o.Clock.After(backoff):
			}
			backoff = min(2*backoff, h.o.MaxBackoff)
		}
		backoff = h.o.MinBackoff
	}
}

// relaunch starts a new instance; it reports false when the launch failed.
func (h *Host) relaunch() bool {
	select {
	case <-h.done:
		return true
	case <-h.o.Clock.After(h.o.MinBackoff):
	}
	inst, eps, err := h.launch()
	if err != nil {
		h.o.Logger.Error("plugin relaunch", zap.Error(err))
		return false
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		h.kill(inst)
		return true
	}
	h.cur, h.eps = inst, eps
	close(h.up)
	f := h.onRelaunch
	h.mu.Unlock()
	h.o.Logger.Info("plugin relaunched; probing its resources", zap.Int("pid", inst.pid))
	if f != nil {
		f()
	}
	return true
}
