package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/engine"
)

// absPaths makes every path of the settings absolute, once, at start:
// entry points and triggers run in other working directories, so a
// relative --config would name nothing there.
func absPaths(s *Settings) error {
	for _, p := range []*string{&s.Config, &s.StateDir, &s.LogDir, &s.Socket, &s.VCSHome} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return fmt.Errorf("path %s: %w", *p, err)
		}
		*p = abs
	}
	return nil
}

// cleanLeftovers removes what a crashed instance may have left: the
// temporary files of an interrupted main.cf or intents write. It runs once
// the state directory is locked, so no other instance is writing them.
func cleanLeftovers(configDir, stateDir string) {
	config.CleanTemp(configDir)
	engine.CleanStateDir(stateDir)
}

// cgroupRecord is the file in the state directory naming the cgroup base of
// the instance's runner.
const cgroupRecord = "runner.cgroup"

// killPrevious kills what the previous instance on this state directory
// left running (the entry points it had in flight when it died, re-parented
// to init), before anything is probed, and records this instance's cgroup
// base for the next one. The state directory lock is held, so the previous
// instance is dead.
func (d *Daemon) killPrevious() {
	rec := filepath.Join(d.s.StateDir, cgroupRecord)
	if b, err := os.ReadFile(rec); err == nil {
		prev := strings.TrimSpace(string(b))
		if n := d.run.KillLeftovers(prev); n > 0 {
			d.log.Warn("killed entry points a previous instance left running", zap.Int("processes", n),
				zap.String("cgroup", prev))
		}
	}
	base := d.run.CgroupBase()
	if base == "" {
		d.log.Info("no per-run cgroups: a daemon killed with SIGKILL leaves its running entry points to init")
		os.Remove(rec)
		return
	}
	if err := config.WriteAtomic(rec, []byte(base+"\n")); err != nil {
		d.log.Warn("record the runner's cgroup", zap.Error(err))
	}
}
