// Package process holds the built-in Process agent: online starts PathName
// with the words of Arguments as UserName in a session of its own (writing
// its pid to PidFile when set), monitor reads /proc (a zombie is dead),
// offline sends SIGTERM and SIGKILL after a 5 s grace, clean sends SIGKILL.
// Arguments is split at blanks with no quoting, as VCS's Process agent
// does. The program is started through the daemon's runner.Runner, the one
// process starter; monitor starts nothing.
package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents/proc"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Grace periods, as the bundled script agent has them.
const (
	StartWait   = 2 * time.Second // online waits this long for the process to show up
	OfflineWait = 5 * time.Second // SIGTERM to SIGKILL
	KillWait    = 3 * time.Second // SIGKILL to giving up
)

// Errors of the Process agent.
var (
	ErrNoPathName = errors.New("attribute PathName is not set")
	ErrPidFile    = errors.New("PidFile is not an absolute path")
	ErrSurvived   = errors.New("process survived SIGKILL")
)

// launcher is the shell text that starts the program: setsid makes it a
// session leader, the inner sh writes its own pid (which exec keeps) to
// the pid file. Every value reaches it as an argv element. The launcher
// points its own descriptors at /dev/null before it forks, so the runner's
// output pipes reach end of file as soon as the launcher exits, not when
// the background child gets round to its redirections (that wait was 10 to
// 20 ms of a restart on a busy machine).
const launcher = `exec </dev/null >/dev/null 2>&1 3>&-; setsid sh -c 'if [ -n "$1" ]; then echo $$ >"$1" || exit 127; fi; shift; exec "$@"' vigil-process "$@" &`

// Agent is the Process agent.
type Agent struct {
	run   *runner.Runner
	clock clock.Clock
	mu    sync.Mutex
	last  map[string]int // resource -> pid last found, checked first
}

var (
	_ sdk.Agent    = (*Agent)(nil)
	_ sdk.Onliner  = (*Agent)(nil)
	_ sdk.Offliner = (*Agent)(nil)
	_ sdk.Cleaner  = (*Agent)(nil)
)

// New returns a Process agent starting programs through run.
func New(run *runner.Runner, c clock.Clock) *Agent {
	if c == nil {
		c = clock.Real{}
	}
	return &Agent{run: run, clock: c, last: map[string]int{}}
}

// attrs are the resource's attributes as the agent uses them.
type attrs struct {
	path    string
	args    []string
	user    string
	pidFile string
}

func getAttrs(r *sdk.Resource) (attrs, error) {
	a := attrs{path: r.Attrs.Str("PathName"), args: strings.Fields(r.Attrs.Str("Arguments")),
		user: r.Attrs.Str("UserName"), pidFile: r.Attrs.Str("PidFile")}
	if a.path == "" {
		return a, fmt.Errorf("resource %q: %w", r.Name, ErrNoPathName)
	}
	if a.pidFile != "" && !filepath.IsAbs(a.pidFile) {
		return a, fmt.Errorf("resource %q: %w: %s", r.Name, ErrPidFile, a.pidFile)
	}
	return a, nil
}

// targets returns the resource's live processes: the pid of PidFile, or
// every process whose argv is PathName and the words of Arguments, run by
// UserName. The pid found last time is checked first, so a steady monitor
// reads three files instead of the whole process table.
func (g *Agent) targets(r *sdk.Resource, a attrs) ([]int, error) {
	if a.pidFile != "" {
		if p := proc.PidFromFile(a.pidFile); procfs.Alive(p) {
			return []int{p}, nil
		}
		return nil, nil
	}
	uid, err := proc.UserID(a.user)
	if err != nil {
		return nil, err
	}
	m := proc.ExactArgv(append([]string{a.path}, a.args...))
	g.mu.Lock()
	last := g.last[r.Name]
	g.mu.Unlock()
	if last > 0 && proc.Is(last, m, uid) {
		return []int{last}, nil
	}
	pids, err := proc.Find(m, uid)
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(pids) > 0 {
		g.last[r.Name] = pids[0]
	} else {
		delete(g.last, r.Name)
	}
	return pids, err
}

// Monitor is ONLINE while the resource's process runs.
func (g *Agent) Monitor(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
	a, err := getAttrs(r)
	if err != nil {
		return sdk.Unknown, 0, err
	}
	pids, err := g.targets(r, a)
	if err != nil {
		return sdk.Unknown, 0, err
	}
	if len(pids) > 0 {
		return sdk.Online, 100, nil
	}
	return sdk.Offline, 0, nil
}

// Online starts the program unless it already runs, and waits up to
// StartWait for it to show up.
func (g *Agent) Online(ctx context.Context, r *sdk.Resource) (int, error) {
	a, err := getAttrs(r)
	if err != nil {
		return 0, err
	}
	if pids, err := g.targets(r, a); err != nil || len(pids) > 0 {
		if err == nil {
			r.Log.Info("Process "+a.path+" is already running", sdk.MsgID(2010), sdk.Notice)
		}
		return 0, err
	}
	if fi, err := os.Stat(a.path); err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return 0, fmt.Errorf("PathName %s is not an executable file", a.path)
	}
	prefix, err := proc.RunAs(a.user)
	if err != nil {
		return 0, err
	}
	if a.pidFile != "" {
		if err := os.MkdirAll(filepath.Dir(a.pidFile), 0o755); err != nil {
			return 0, fmt.Errorf("pid file directory: %w", err)
		}
		os.Remove(a.pidFile)
	}
	argv := append(append(append([]string{"-c", launcher, "vigil-process", a.pidFile}, prefix...), a.path), a.args...)
	res := g.run.RunCommand(ctx, "/bin/sh", argv, runner.RunOptions{Env: []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
		Logger: r.Log})
	if res.Err != nil || res.ExitCode != 0 {
		return 0, fmt.Errorf("start %s: %s (exit %d): %v", a.path, res.Outcome, res.ExitCode, res.Err)
	}
	started := g.clock.Now()
	deadline := started.Add(StartWait)
	// The launcher returns before the program has exec'd, usually within a
	// few milliseconds: look every millisecond for the first 30 ms, then
	// doubling to 20 ms, so a restart is not held up by a poll step
	// (kill -> ONLINE again is a few milliseconds with IMF) and a program
	// that is slow to appear does not cost a /proc scan per millisecond.
	step := time.Millisecond
	for {
		pids, err := g.targets(r, a)
		if err != nil {
			return 0, err
		}
		if len(pids) > 0 {
			r.Log.Info(fmt.Sprintf("Started process %s (pid %v)", a.path, pids), sdk.MsgID(2013), sdk.Notice)
			return 0, nil
		}
		if !g.clock.Now().Before(deadline) || ctx.Err() != nil {
			r.Log.Warn("Process "+a.path+" was started but is not (yet) running", sdk.MsgID(2012))
			return 0, nil
		}
		select {
		case <-ctx.Done():
		case <-g.clock.After(step):
		}
		if g.clock.Now().Sub(started) > 30*time.Millisecond {
			step = min(2*step, 20*time.Millisecond)
		}
	}
}

// Offline sends SIGTERM to the processes (and the groups they lead), then
// SIGKILL after OfflineWait, and removes PidFile once they are gone.
func (g *Agent) Offline(ctx context.Context, r *sdk.Resource) (int, error) {
	a, err := getAttrs(r)
	if err != nil {
		return 0, err
	}
	pids, err := g.targets(r, a)
	if err != nil {
		return 0, err
	}
	if len(pids) > 0 {
		proc.Signal(pids, unix.SIGTERM)
		if !proc.WaitGone(ctx, g.clock, pids, OfflineWait) {
			r.Log.Warn("Process "+a.path+" did not stop on SIGTERM within 5 s; sending SIGKILL", sdk.MsgID(2020))
			proc.Signal(pids, unix.SIGKILL)
			proc.WaitGone(ctx, g.clock, pids, 2*time.Second)
		}
		r.Log.Info(fmt.Sprintf("Stopped process %s (pid %v)", a.path, pids), sdk.MsgID(2021), sdk.Notice)
	}
	g.removePidFile(r, a)
	return 0, nil
}

// Clean sends SIGKILL to the processes and fails when one survives.
func (g *Agent) Clean(ctx context.Context, r *sdk.Resource, reason sdk.CleanReason) error {
	a, err := getAttrs(r)
	if err != nil {
		return err
	}
	pids, err := g.targets(r, a)
	if err != nil {
		return err
	}
	if len(pids) > 0 {
		r.Log.Info(fmt.Sprintf("Killing process %s (pid %v), clean reason %d", a.path, pids, reason), sdk.MsgID(2030), sdk.Notice)
		proc.Signal(pids, unix.SIGKILL)
		if !proc.WaitGone(ctx, g.clock, pids, KillWait) {
			return fmt.Errorf("%s (pid %v): %w", a.path, pids, ErrSurvived)
		}
	}
	if pids, _ := g.targets(r, a); len(pids) > 0 {
		return fmt.Errorf("%s (pid %v): %w", a.path, pids, ErrSurvived)
	}
	g.removePidFile(r, a)
	return nil
}

func (g *Agent) removePidFile(r *sdk.Resource, a attrs) {
	if a.pidFile == "" {
		return
	}
	if pids, _ := g.targets(r, a); len(pids) == 0 {
		os.Remove(a.pidFile)
	}
}
