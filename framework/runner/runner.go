package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"
)

// Options configure a Runner.
type Options struct {
	// Logger receives the runner's own records (orphans reaped); nil = none.
	// Each run logs to its RunOptions.Logger.
	Logger *zap.Logger
	// NoCgroups turns per-run cgroups off: tree membership then comes from
	// the /proc scan alone. By default a run gets a cgroup of its own where
	// this process may create cgroup v2 groups below its own.
	NoCgroups bool
	// Reaper is the register of owned children this Runner shares with the
	// other Runners of the process (see Reaper); nil = a new one.
	Reaper *Reaper
}

// Runner starts processes: it runs commands (RunCommand, Start) and script
// entry points (Script), and owns what outlives one run: the pool of empty
// run cgroups and the run cgroups still holding a left-behind process, the
// numbering of runs, and the background kills of timed-out and canceled
// trees that Drain waits for. Two Runners of one process share none of it,
// except the Reaper when they are given the same one. A Runner is safe for
// concurrent use.
type Runner struct {
	log    *zap.Logger
	reaper *Reaper
	cg     *cgroupPool
	// token is unique to this Runner within the process: it is part of the
	// marker of each run and of the name of its cgroup base.
	token   string
	seq     atomic.Uint64  // runs started
	helpers atomic.Uint64  // helper cgroups made (HelperCgroup)
	pending sync.WaitGroup // background tree kills; Drain waits for them
	// subreaper: BecomeSubreaper was called and Close not yet (guarded by
	// reaper.loopMu).
	subreaper bool
}

// New returns a Runner. It starts nothing and creates no cgroup until the
// first run.
func New(o Options) *Runner {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Reaper == nil {
		o.Reaper = &Reaper{}
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	token := hex.EncodeToString(b[:])
	return &Runner{
		log:    o.Logger,
		reaper: o.Reaper,
		token:  token,
		cg:     &cgroupPool{enabled: !o.NoCgroups, name: "vigil-" + strconv.Itoa(os.Getpid()) + "-" + token},
	}
}

// Reaper returns the register of owned children r uses, to give it to
// another Runner of the same process (Options.Reaper).
func (r *Runner) Reaper() *Reaper { return r.reaper }

// Drain waits until every background kill of a timed-out or canceled child
// of r has finished (nothing of those trees is left), and every background
// release of a finished run's cgroup, or ctx ends. It does not wait for the
// kills of other Runners.
func (r *Runner) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		r.pending.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close undoes BecomeSubreaper (see there), reaping the orphaned zombies
// one last time, and removes r's run cgroups that are empty, and its cgroup
// base when nothing is left in it; cgroups still holding a left-behind
// process (a resource) stay, and a later vigil process removes them once
// empty. Daemon shutdown and tests call it after Drain. r stays usable: a
// later run creates its cgroups again.
func (r *Runner) Close() {
	r.endSubreaper()
	r.pending.Wait() // background releases and kills: their cgroups go back to the pool first
	r.cg.close()
}

// CgroupsActive reports whether r's runs get their own cgroup: cgroups are
// not turned off (Options.NoCgroups) and this process may create them.
func (r *Runner) CgroupsActive() bool { return r.cg.active() }
