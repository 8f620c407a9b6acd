package runner

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// owned is the set of child pids whose exit status belongs to a Wait of
// their own. The lock is held across fork+registration and across every
// reaping pass, so the reaper never sees an owned child unregistered.
var owned = struct {
	sync.Mutex
	pids map[int]bool
}{pids: map[int]bool{}}

// startOwned starts cmd and registers its pid as owned.
func startOwned(cmd *exec.Cmd) error {
	sealInheritedFDs()
	owned.Lock()
	defer owned.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	owned.pids[cmd.Process.Pid] = true
	return nil
}

// disown forgets a pid once its Wait has returned.
func disown(pid int) {
	owned.Lock()
	delete(owned.pids, pid)
	owned.Unlock()
}

// StartOwned runs start (which must fork exactly one child and return its
// pid) so that the subreaper's reaper leaves that child to its own Wait.
// The returned release must be called after that Wait has returned. Code
// outside runner that starts a child another way (go-plugin) uses it.
func StartOwned(start func() (pid int, err error)) (release func(), err error) {
	sealInheritedFDs()
	owned.Lock()
	defer owned.Unlock()
	pid, err := start()
	if err != nil {
		return func() {}, err
	}
	owned.pids[pid] = true
	return func() { disown(pid) }, nil
}

var subreaperOnce sync.Once

// BecomeSubreaper makes this process a child subreaper
// (PR_SET_CHILD_SUBREAPER): orphaned descendants of its entry points are
// re-parented to it instead of init. A goroutine then reaps, on every
// SIGCHLD and every second, each zombie child that is not owned. It is
// idempotent; the reaper runs until the process exits.
func BecomeSubreaper(log *zap.Logger) error {
	if log == nil {
		log = zap.NewNop()
	}
	var err error
	subreaperOnce.Do(func() {
		if err = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return
		}
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGCHLD)
		go func() {
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-sig:
				case <-tick.C:
				}
				ReapOrphans(log)
			}
		}()
	})
	return err
}

// ReapOrphans reaps every zombie child of this process that runner does not
// own and returns how many it reaped.
func ReapOrphans(log *zap.Logger) int {
	self := os.Getpid()
	owned.Lock()
	defer owned.Unlock()
	n := 0
	for _, p := range listProcs() {
		if p.ppid != self || !p.dead() || owned.pids[p.pid] {
			continue
		}
		var ws unix.WaitStatus
		if pid, err := unix.Wait4(p.pid, &ws, unix.WNOHANG, nil); err == nil && pid == p.pid {
			n++
			if log != nil {
				log.Debug("reaped orphan", zap.Int("pid", pid))
			}
		}
	}
	return n
}

// Drain waits until every background kill of a timed-out or canceled child
// has finished (nothing of those trees is left), or ctx ends.
func Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		pendingKills.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
