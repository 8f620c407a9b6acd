package runner

import (
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// Reaper is the register of the children of this process whose exit status
// belongs to a Wait of their own, and, between BecomeSubreaper and Close,
// the reaper of every other zombie child (the orphans a subreaper adopts).
// Whether a zombie child is an orphan or a child some Wait is about to
// collect is a fact about the whole process: while a Runner of the process
// is a subreaper, every Runner that runs children at the same time must
// have the same Reaper (Options.Reaper, Runner.Reaper), and code that
// starts a child another way (go-plugin) registers it with StartOwned. The
// lock is held across fork+registration and across every reaping pass, so
// a pass never sees an owned child unregistered. The zero value is ready to
// use.
type Reaper struct {
	mu     sync.Mutex // guards pids
	pids   map[int]bool
	sealed sync.Once // sealInheritedFDs before the first child

	loopMu sync.Mutex    // guards the fields below and Runner.subreaper
	users  int           // Runners between BecomeSubreaper and Close
	stop   chan struct{} // closed to end the reaping goroutine
	done   chan struct{} // closed when it has ended
}

// seal runs sealInheritedFDs once, before the first child is started.
func (rp *Reaper) seal() { rp.sealed.Do(sealInheritedFDs) }

// startOwned starts cmd and registers its pid as owned.
func (rp *Reaper) startOwned(cmd *exec.Cmd) error {
	rp.seal()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	rp.ownLocked(cmd.Process.Pid)
	return nil
}

func (rp *Reaper) ownLocked(pid int) {
	if rp.pids == nil {
		rp.pids = map[int]bool{}
	}
	rp.pids[pid] = true
}

// disown forgets a pid once its Wait has returned.
func (rp *Reaper) disown(pid int) {
	rp.mu.Lock()
	delete(rp.pids, pid)
	rp.mu.Unlock()
}

// StartOwned runs start (which must fork exactly one child and return its
// pid) so that the reaping leaves that child to its own Wait. The returned
// release must be called after that Wait has returned. Code outside runner
// that starts a child another way (go-plugin) uses it.
func (rp *Reaper) StartOwned(start func() (pid int, err error)) (release func(), err error) {
	rp.seal()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	pid, err := start()
	if err != nil {
		return func() {}, err
	}
	rp.ownLocked(pid)
	return func() { rp.disown(pid) }, nil
}

// ReapOrphans reaps every zombie child of this process that is not owned
// and returns how many it reaped; each is logged to log at debug level (nil
// = not logged).
func (rp *Reaper) ReapOrphans(log *zap.Logger) int {
	n, _ := rp.reapOrphans(log)
	return n
}

// reapOrphans reaps the zombie children that are not owned, at a cost
// proportional to what exited, not to the size of the process table: it
// asks the kernel for the next zombie child without reaping it (waitid
// P_ALL, WNOWAIT) and reaps it unless it is owned. An owned zombie is
// collected at once by its own Wait, but while it is first in line the
// kernel shows it again: reapOrphans then stops and reports blocked, and
// the caller tries again shortly.
func (rp *Reaper) reapOrphans(log *zap.Logger) (n int, blocked bool) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	for {
		var info unix.Siginfo
		if err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil); err != nil {
			return n, false // ECHILD: no child at all
		}
		pid := siginfoPid(&info)
		switch {
		case pid == 0:
			return n, false // children, none exited
		case rp.pids[pid]:
			return n, true
		}
		var ws unix.WaitStatus
		if got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil); err != nil || got != pid {
			return n, false
		}
		n++
		if log != nil {
			log.Debug("reaped orphan", zap.Int("pid", pid))
		}
	}
}

// siginfoPid returns si_pid of a siginfo filled by waitid: the first field
// of the union that follows si_signo, si_errno and si_code (aligned to 8
// bytes on 64-bit systems).
func siginfoPid(info *unix.Siginfo) int {
	off := uintptr(12)
	if unsafe.Sizeof(uintptr(0)) == 8 {
		off = 16
	}
	return int(*(*int32)(unsafe.Add(unsafe.Pointer(info), off)))
}

// BecomeSubreaper makes this process a child subreaper
// (PR_SET_CHILD_SUBREAPER): orphaned descendants of its entry points are
// re-parented to it instead of init. The attribute belongs to the process,
// not to r (prctl is process-wide): it holds for every Runner of the
// process. A goroutine of r's Reaper then reaps, on every SIGCHLD and every
// second, each zombie child that is not owned, logging to r's logger. It is
// idempotent. The reaping goes on until Close of the last Runner of the
// Reaper that called BecomeSubreaper, which also clears the attribute.
func (r *Runner) BecomeSubreaper() error {
	rp := r.reaper
	rp.loopMu.Lock()
	defer rp.loopMu.Unlock()
	if r.subreaper {
		return nil
	}
	if rp.users == 0 {
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return err
		}
		rp.stop, rp.done = make(chan struct{}), make(chan struct{})
		go rp.reapLoop(r.log, rp.stop, rp.done)
	}
	rp.users++
	r.subreaper = true
	return nil
}

// reapLoop reaps orphans on every SIGCHLD and every second until stop, and
// 2 ms after a pass that an owned zombie held up.
func (rp *Reaper) reapLoop(log *zap.Logger, stop, done chan struct{}) {
	defer close(done)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGCHLD)
	defer signal.Stop(sig)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var retry <-chan time.Time // set while an owned zombie stood in line
	for {
		select {
		case <-sig:
		case <-tick.C:
		case <-retry:
		case <-stop:
			return
		}
		retry = nil
		if _, blocked := rp.reapOrphans(log); blocked {
			retry = time.After(2 * time.Millisecond)
		}
	}
}

// endSubreaper undoes r's BecomeSubreaper: a last reaping pass (a zombie
// still counts as a member of its cgroup) and, for the last Runner of the
// Reaper, the end of the reaping goroutine and of the subreaper attribute.
func (r *Runner) endSubreaper() {
	rp := r.reaper
	rp.loopMu.Lock()
	defer rp.loopMu.Unlock()
	if !r.subreaper {
		return
	}
	r.subreaper = false
	if rp.users--; rp.users == 0 {
		close(rp.stop)
		<-rp.done
		_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	}
	rp.ReapOrphans(r.log)
}
