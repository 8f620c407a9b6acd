package daemon

import (
	"context"
	"path/filepath"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/framework/trigger"
)

// newTriggers returns the trigger runner of d: scripts in <config>/triggers,
// run by d's runner with the trigger environment.
func newTriggers(d *Daemon) *trigger.Runner {
	return trigger.New(trigger.Options{Dir: filepath.Join(d.cfg.Dir, "triggers"), System: d.system,
		Timeout: d.s.TriggerTimeout, Logger: d.log, Publish: d.bus.Publish,
		Run: func(ctx context.Context, path string, args []string, t time.Duration) ep.Result {
			return d.run.RunCommand(ctx, path, args, runner.RunOptions{Dir: d.cfg.Dir, Env: d.env.TriggerEnv(),
				Timeout: t, Logger: d.log})
		}})
}
