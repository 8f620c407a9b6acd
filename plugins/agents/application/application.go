// Package application holds the built-in Application agent. StartProgram,
// StopProgram, CleanProgram and MonitorProgram run as processes through
// the daemon's runner.Runner, as User, each split into words at blanks (no
// quoting or globbing) and started by `setsid -w`, as the bundled script
// agent does; PidFiles and MonitorProcesses are checked in /proc without a
// process. Monitor: every PidFiles pid and every MonitorProcesses command
// line must be alive, then MonitorProgram decides (0 or 110 online,
// 101..109 online with that confidence, 1 or 100 offline, else unknown).
// Offline runs StopProgram, or without one sends SIGTERM to the monitored
// processes; clean runs CleanProgram, or sends SIGKILL. Actions: program.vfd,
// user.vfd, getcksum and cksum.vfd (POSIX cksum lines of the programs).
package application

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents/proc"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Errors of the Application agent.
var (
	ErrNothingToMonitor = errors.New("none of MonitorProgram, PidFiles and MonitorProcesses is set")
	ErrNoStartProgram   = errors.New("attribute StartProgram is not set")
	ErrProgram          = errors.New("program must be an executable file given by its absolute path")
	ErrUnknownAction    = errors.New("unknown action")
)

// Agent is the Application agent.
type Agent struct {
	run   *runner.Runner
	clock clock.Clock
}

var (
	_ sdk.Agent    = (*Agent)(nil)
	_ sdk.Onliner  = (*Agent)(nil)
	_ sdk.Offliner = (*Agent)(nil)
	_ sdk.Cleaner  = (*Agent)(nil)
	_ sdk.Actioner = (*Agent)(nil)
)

// New returns an Application agent running programs through run.
func New(run *runner.Runner, c clock.Clock) *Agent {
	if c == nil {
		c = clock.Real{}
	}
	return &Agent{run: run, clock: c}
}

// program checks a program attribute: its first word must be an absolute
// path to an executable file.
func program(attr, cmd string) ([]string, error) {
	words := strings.Fields(cmd)
	if len(words) == 0 || !strings.HasPrefix(words[0], "/") {
		return nil, fmt.Errorf("%s %q: %w", attr, cmd, ErrProgram)
	}
	fi, err := os.Stat(words[0])
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("%s: %s: %w", attr, words[0], ErrProgram)
	}
	return words, nil
}

// runProgram runs one program attribute as User and returns its exit code
// (127 when it could not run) and the first 50 lines of its output.
func (g *Agent) runProgram(ctx context.Context, r *sdk.Resource, attr string) (int, string, error) {
	words, err := program(attr, r.Attrs.Str(attr))
	if err != nil {
		return 127, "", err
	}
	prefix, err := proc.RunAs(r.Attrs.Str("User"))
	if err != nil {
		return 127, "", err
	}
	args := append(append([]string{"-w"}, prefix...), words...)
	res := g.run.RunCommand(ctx, proc.Tool("setsid"), args, runner.RunOptions{
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, Logger: r.Log})
	out := firstLines(string(res.Output), 50)
	switch res.Outcome {
	case ep.Exited:
		return res.ExitCode, out, nil
	case ep.TimedOut:
		return 127, out, fmt.Errorf("%s: %w", attr, context.DeadlineExceeded)
	}
	return 127, out, fmt.Errorf("%s: %s: %v", attr, res.Outcome, res.Err)
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "")
}

// Monitor checks PidFiles, MonitorProcesses, then MonitorProgram.
func (g *Agent) Monitor(ctx context.Context, r *sdk.Resource) (sdk.State, int, error) {
	files, procs, prog := nonEmpty(r.Attrs.List("PidFiles")), nonEmpty(r.Attrs.List("MonitorProcesses")),
		r.Attrs.Str("MonitorProgram")
	if len(files) == 0 && len(procs) == 0 && prog == "" {
		return sdk.Unknown, 0, fmt.Errorf("resource %q: %w", r.Name, ErrNothingToMonitor)
	}
	for _, f := range files {
		if !procfs.Alive(proc.PidFromFile(f)) {
			return sdk.Offline, 0, nil
		}
	}
	uid, err := proc.UserID(r.Attrs.Str("User"))
	if err != nil {
		return sdk.Offline, 0, nil // the script finds no process of a user that does not exist
	}
	for _, c := range procs {
		pids, err := proc.Find(proc.JoinedArgv(c), uid)
		if err != nil {
			return sdk.Unknown, 0, err
		}
		if len(pids) == 0 {
			return sdk.Offline, 0, nil
		}
	}
	if prog == "" {
		return sdk.Online, 100, nil
	}
	rc, _, err := g.runProgram(ctx, r, "MonitorProgram")
	switch {
	case err != nil:
		return sdk.Unknown, 0, err
	case rc == 0 || rc == 110:
		return sdk.Online, 100, nil
	case rc >= 101 && rc <= 109:
		return sdk.Online, (rc - 100) * 10, nil
	case rc == 1 || rc == 100:
		return sdk.Offline, 0, nil
	}
	r.Log.Warn(fmt.Sprintf("MonitorProgram %s exited with %d: state unknown", prog, rc), sdk.MsgID(3011))
	return sdk.Unknown, 0, nil
}

func nonEmpty(l []string) []string {
	var out []string
	for _, s := range l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Online runs StartProgram.
func (g *Agent) Online(ctx context.Context, r *sdk.Resource) (int, error) {
	if r.Attrs.Str("StartProgram") == "" {
		return 0, fmt.Errorf("resource %q: %w", r.Name, ErrNoStartProgram)
	}
	rc, _, err := g.runProgram(ctx, r, "StartProgram")
	if err == nil && rc != 0 {
		r.Log.Warn(fmt.Sprintf("StartProgram %s exited with %d", r.Attrs.Str("StartProgram"), rc), sdk.MsgID(3021))
	}
	return 0, err
}

// Offline runs StopProgram, or sends SIGTERM to the monitored processes
// and waits up to 5 s for them.
func (g *Agent) Offline(ctx context.Context, r *sdk.Resource) (int, error) {
	if r.Attrs.Str("StopProgram") != "" {
		rc, _, err := g.runProgram(ctx, r, "StopProgram")
		if err == nil && rc != 0 {
			r.Log.Warn(fmt.Sprintf("StopProgram %s exited with %d", r.Attrs.Str("StopProgram"), rc), sdk.MsgID(3030))
		}
		return 0, err
	}
	if pids := g.allPids(r); len(pids) > 0 {
		proc.Signal(pids, unix.SIGTERM)
		if !proc.WaitGone(ctx, g.clock, pids, 5*time.Second) {
			r.Log.Warn(fmt.Sprintf("Processes %v did not exit on SIGTERM", pids), sdk.MsgID(3031))
		}
	}
	return 0, nil
}

// Clean runs CleanProgram (failing when it fails), or sends SIGKILL to
// the monitored processes and fails when one survives.
func (g *Agent) Clean(ctx context.Context, r *sdk.Resource, reason sdk.CleanReason) error {
	if r.Attrs.Str("CleanProgram") != "" {
		rc, _, err := g.runProgram(ctx, r, "CleanProgram")
		if err == nil && rc != 0 {
			err = fmt.Errorf("CleanProgram %s exited with %d", r.Attrs.Str("CleanProgram"), rc)
		}
		return err
	}
	pids := g.allPids(r)
	if len(pids) == 0 {
		return nil
	}
	r.Log.Info(fmt.Sprintf("Killing processes %v, clean reason %d", pids, reason), sdk.MsgID(3041), sdk.Notice)
	proc.Signal(pids, unix.SIGKILL)
	proc.WaitGone(ctx, g.clock, pids, 3*time.Second)
	if left := g.allPids(r); len(left) > 0 {
		return fmt.Errorf("processes %v survived SIGKILL", left)
	}
	return nil
}

// allPids returns the live pids of PidFiles and MonitorProcesses.
func (g *Agent) allPids(r *sdk.Resource) []int {
	var out []int
	for _, f := range nonEmpty(r.Attrs.List("PidFiles")) {
		if p := proc.PidFromFile(f); procfs.Alive(p) {
			out = append(out, p)
		}
	}
	uid, err := proc.UserID(r.Attrs.Str("User"))
	if err != nil {
		return out
	}
	for _, c := range nonEmpty(r.Attrs.List("MonitorProcesses")) {
		pids, _ := proc.Find(proc.JoinedArgv(c), uid)
		out = append(out, pids...)
	}
	return out
}

// Action runs program.vfd (are the programs executables given by absolute
// paths), user.vfd (does User exist), getcksum (the cksum line of each
// program) and cksum.vfd (do they match the lines given as arguments).
func (g *Agent) Action(_ context.Context, r *sdk.Resource, token string, args []string) (string, error) {
	switch token {
	case "getcksum":
		return getcksum(programs(r.Attrs))
	case "cksum.vfd":
		return cksumVfd(programs(r.Attrs), args)
	case "program.vfd":
		var b strings.Builder
		var bad error
		for _, a := range []string{"StartProgram", "StopProgram", "CleanProgram", "MonitorProgram"} {
			cmd := r.Attrs.Str(a)
			if cmd == "" {
				continue
			}
			first := strings.Fields(cmd + " x")[0]
			if _, err := program(a, cmd); err != nil {
				fmt.Fprintf(&b, "%s: %s: not an executable file given by its absolute path\n", a, first)
				bad = ErrProgram
				continue
			}
			fmt.Fprintf(&b, "%s: %s: ok\n", a, first)
		}
		return b.String(), bad
	case "user.vfd":
		name := r.Attrs.Str("User")
		if name == "" {
			name = "root"
		}
		u, err := user.Lookup(name)
		if err != nil {
			return fmt.Sprintf("User %s does not exist\n", name), fmt.Errorf("user %q: %w", name, err)
		}
		return fmt.Sprintf("User %s: uid %s\n", name, u.Uid), nil
	}
	return "", fmt.Errorf("action %q: %w", token, ErrUnknownAction)
}
