package cluster

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
)

// The fence guard is a small process of its own (`vigil fence-guard`,
// started by the daemon of a cluster node, in a session of its own, not
// in a run cgroup) that kills every process the daemon's entry points
// started (the runner's cgroup tree: the resources and entry points in
// flight) when the daemon can no longer be relied on to do it:
//
//   - the daemon died (SIGKILL, a crash): its end of the guard's pipe
//     closes without "release". Its lease is no longer renewed and will
//     expire on etcd's leader, after which another system starts its
//     groups: the guard kills at once, long before that;
//   - the daemon hangs (stopped, stuck): the last "until" deadline the
//     member sent, the time by which the node's failover groups must be
//     offline (lease valid-until minus the margin, doc.go), passes with no
//     newer one: the guard kills then, still before the lease can expire.
//
// The daemon says "clear" after fencing took every failover group offline
// (nothing to kill at the deadline) and "release" on a clean stop, after
// it evacuated its groups and left the cluster. Like VCS's fencing, which
// panics a node that lost the cluster, the kill takes everything the
// daemon started, Parallel groups included. The optional watchdog remains
// the last resort when the guard itself is gone.
//
// The pipe carries one message per line:
//
//	until <ns>   kill at CLOCK_BOOTTIME <ns> unless a newer message comes
//	clear        no deadline
//	release      exit without killing
//
// CLOCK_BOOTTIME is shared by every process of the machine and keeps
// counting through a suspend, as the lease does on the other systems.

// GuardConn is the daemon's end of the fence guard's pipe. Its methods
// are safe for concurrent use; a write error (the guard is gone) is logged
// once.
type GuardConn struct {
	mu     sync.Mutex
	w      io.WriteCloser
	clock  clock.Clock
	log    *zap.Logger
	last   time.Time // deadline last sent (zero after clear)
	failed bool
}

// NewGuardConn returns the daemon's end of a guard pipe; c is the clock the
// member's times are on (nil = real).
func NewGuardConn(w io.WriteCloser, c clock.Clock, log *zap.Logger) *GuardConn {
	if c == nil {
		c = clock.Real{}
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &GuardConn{w: w, clock: c, log: log}
}

// Until tells the guard to kill at t (on the connection's clock) unless it
// hears again; a t already past or equal to the last one sends nothing.
func (g *GuardConn) Until(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	left := t.Sub(g.clock.Now())
	if left <= 0 || t.Equal(g.last) {
		return
	}
	g.last = t
	g.send(fmt.Sprintf("until %d\n", int64(boottime()+left)))
}

// Clear tells the guard there is no deadline.
func (g *GuardConn) Clear() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = time.Time{}
	g.send("clear\n")
}

// Release tells the guard to exit without killing and closes the pipe.
func (g *GuardConn) Release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return
	}
	g.send("release\n")
	g.w.Close()
	g.w = nil
}

func (g *GuardConn) send(msg string) {
	if g.w == nil {
		return
	}
	if _, err := io.WriteString(g.w, msg); err != nil && !g.failed {
		g.failed = true
		g.log.Error("fence guard unreachable: a death of this daemon no longer stops its resources",
			zap.Error(err))
	}
}

// GuardOptions configure RunGuard.
type GuardOptions struct {
	// In is the guard's end of the daemon's pipe.
	In io.Reader
	// Kill kills everything the daemon started and returns how many
	// processes it killed.
	Kill   func() (int, error)
	Logger *zap.Logger
}

// ErrGuardMessage is a line the guard does not understand.
var ErrGuardMessage = errors.New("fence guard: bad message")

// parseGuard reads one line of the pipe: the deadline for until (0 for
// clear and release).
func parseGuard(line string) (verb string, at time.Duration, err error) {
	verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch verb {
	case "clear", "release":
		if arg != "" {
			return "", 0, fmt.Errorf("%w: %q", ErrGuardMessage, line)
		}
		return verb, 0, nil
	case "until":
		ns, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || ns <= 0 {
			return "", 0, fmt.Errorf("%w: %q", ErrGuardMessage, line)
		}
		return verb, time.Duration(ns), nil
	}
	return "", 0, fmt.Errorf("%w: %q", ErrGuardMessage, line)
}

// RunGuard is the fence guard: it reads the daemon's messages and kills
// when the daemon is gone without "release" (then returns) or when a
// deadline passes unrenewed (then goes on: the daemon may come back and
// send new deadlines). It returns nil after "release".
func RunGuard(o GuardOptions) error {
	log := o.Logger
	if log == nil {
		log = zap.NewNop()
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(o.In)
		for sc.Scan() {
			lines <- sc.Text()
		}
		readErr <- sc.Err()
		close(lines)
	}()
	kill := func(why string) {
		n, err := o.Kill()
		if err != nil {
			log.Error("fence guard: kill failed", zap.String("reason", why), zap.Int("killed", n), zap.Error(err))
			return
		}
		log.Warn("fence guard: killed what the daemon started", zap.String("reason", why), zap.Int("killed", n))
	}
	var deadline time.Duration // CLOCK_BOOTTIME; 0 = none
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var fire <-chan time.Time
		if deadline > 0 {
			left := deadline - boottime()
			if left <= 0 {
				kill("the daemon did not renew its deadline: its lease may expire")
				deadline = 0
				continue
			}
			timer.Reset(left)
			fire = timer.C
		}
		select {
		case line, ok := <-lines:
			timer.Stop()
			if !ok {
				err := <-readErr
				kill("the daemon is gone")
				return err
			}
			verb, at, err := parseGuard(line)
			if err != nil {
				log.Error("fence guard: message ignored", zap.Error(err))
				continue
			}
			switch verb {
			case "release":
				log.Info("fence guard: released by the daemon")
				return nil
			case "clear":
				deadline = 0
			case "until":
				deadline = at
			}
		case <-fire:
		}
	}
}
