package daemon

import (
	"context"
	"time"

	sdnotify "github.com/coreos/go-systemd/v22/daemon"
	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/engine"
)

// watchdog keeps systemd's watchdog (WatchdogSec in the unit) fed while
// the engine answers: every half interval it asks the engine for its
// status, which takes the engine's lock and every agent's, and sends
// WATCHDOG=1 only when the answer came within the half interval. A
// deadlocked engine therefore stops the pings and systemd restarts the
// daemon, which re-probes and reports true states. Without a watchdog
// (WATCHDOG_USEC unset) it returns at once.
func (d *Daemon) watchdog(ctx context.Context, eng *engine.Engine) {
	interval, err := sdnotify.SdWatchdogEnabled(false)
	if err != nil || interval <= 0 {
		return
	}
	clk := clock.Real{}
	half := interval / 2
	d.log.Info("systemd watchdog enabled", zap.Duration("interval", interval))
	for {
		select {
		case <-ctx.Done():
			return
		case <-clk.After(half):
		}
		if !answers(eng, clk, half) {
			d.log.Error("engine did not answer within the watchdog interval; not pinging systemd",
				zap.Duration("bound", half))
			continue
		}
		sdnotify.SdNotify(false, sdnotify.SdNotifyWatchdog)
	}
}

// answers reports whether the engine returns its status within bound.
func answers(eng *engine.Engine, clk clock.Clock, bound time.Duration) bool {
	done := make(chan struct{})
	go func() {
		eng.Status()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-clk.After(bound):
		return false
	}
}
