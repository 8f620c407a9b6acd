package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
)

// Defaults of RunOptions.
const (
	DefaultOutputCap = 64 << 10
	DefaultKillGrace = 2 * time.Second
	// ActionOutputCap is the cap VCS applies to action output (reference §1.5).
	ActionOutputCap = 2048
	// LogFD is the descriptor on which a child writes helper-library records.
	LogFD = 3
	// MarkerEnv names the variable that marks every process of one run.
	MarkerEnv = "VIGIL_RUN_ID"
)

// RunOptions control one child run.
type RunOptions struct {
	Dir       string        // working directory ("" = /)
	Env       []string      // complete environment (KEY=VALUE); nothing is inherited
	Timeout   time.Duration // 0: only the context's deadline applies
	OutputCap int           // bytes of stdout+stderr kept (0 = DefaultOutputCap)
	KillGrace time.Duration // TERM to KILL delay (0 = DefaultKillGrace)
	Logger    *zap.Logger   // each output line and helper record is logged here (nil = none)
	Clock     clock.Clock   // nil = clock.Real
	// Records, if set, receives the helper-library records written on fd 3
	// (after they are logged). It is called from the reading goroutine.
	Records func(Record)
	// Lines, if set, receives each line of stdout+stderr (without its
	// newline) as it arrives, capped or not. It is called from the reading
	// goroutine; imf_getnotification events arrive this way.
	Lines func(line []byte)
}

func (o *RunOptions) defaults() {
	if o.OutputCap <= 0 {
		o.OutputCap = DefaultOutputCap
	}
	if o.KillGrace <= 0 {
		o.KillGrace = DefaultKillGrace
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Dir == "" {
		o.Dir = "/"
	}
}

// RunCommand runs path with args (argv after the program name) and returns
// its result; see the package documentation for the guarantees. A timeout
// extension requested by the child (record T) moves the deadline. A
// timed-out or canceled child's tree is killed in the background; r.Drain
// waits for that.
func (r *Runner) RunCommand(ctx context.Context, path string, args []string, o RunOptions) ep.Result {
	o.defaults()
	start := o.Clock.Now()
	c, err := r.startChild(path, args, &o)
	if err != nil {
		return ep.Result{Outcome: ep.ExecError, Err: err, Duration: o.Clock.Now().Sub(start)}
	}
	res := c.supervise(ctx, start)
	res.Duration = o.Clock.Now().Sub(start)
	return res
}

// child is one started process with its pipes.
type child struct {
	r      *Runner
	cmd    *exec.Cmd
	o      *RunOptions
	marker string
	cg     *runCgroup // nil without cgroup v2
	out    *capture
	waited chan struct{} // closed when cmd.Wait has returned
	extend chan time.Duration
}

func (r *Runner) startChild(path string, args []string, o *RunOptions) (*child, error) {
	marker := r.MarkerPrefix() + strconv.FormatUint(r.seq.Add(1), 10)
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, &ExecError{Path: path, Reason: "cannot create output pipe", Err: err}
	}
	env := append(append([]string(nil), o.Env...), MarkerEnv+"="+marker, "VCSAG_LOG_FD="+strconv.Itoa(LogFD))
	cg := r.cg.newRun()
	start := func(path string, args []string) (*exec.Cmd, error) {
		cmd := newCmd(path, args, o.Dir, env, outW, cg)
		err := r.reaper.startOwned(cmd)
		if err != nil && cg != nil && !errors.Is(err, syscall.ENOEXEC) && !errors.Is(err, syscall.ENOENT) &&
			!errors.Is(err, syscall.EACCES) {
			// The kernel refused the cgroup (e.g. no clone3): run without it.
			cg.release()
			cg = nil
			cmd = newCmd(path, args, o.Dir, env, outW, nil)
			err = r.reaper.startOwned(cmd)
		}
		return cmd, err
	}
	cmd, err := start(path, args)
	if err != nil && (errors.Is(err, syscall.ENOEXEC) || errors.Is(err, syscall.ENOENT)) {
		// A Perl entry point naming the VCS Perl this host lacks runs under
		// the system Perl (perlcompat.go).
		if perl, pre, ok := perlCommand(path, !errors.Is(err, syscall.ENOEXEC), o.Dir, o.Env); ok {
			cmd, err = start(perl, append(append(pre, path), args...))
		} else if errors.Is(err, syscall.ENOEXEC) {
			// No #! line: run it with /bin/sh, as a shell would.
			cmd, err = start("/bin/sh", append([]string{path}, args...))
		}
	}
	outW.Close()
	if err != nil {
		outR.Close()
		cg.release()
		return nil, classifyExecError(path, err)
	}
	c := &child{r: r, cmd: cmd, o: o, marker: marker, cg: cg, waited: make(chan struct{}), extend: make(chan time.Duration, 4)}
	c.out = newCapture(outR, o.OutputCap, o.Logger, o.Lines, func(r Record) {
		if r.Kind == RecordTimeout && r.Timeout > 0 {
			select {
			case c.extend <- r.Timeout:
			default:
			}
		}
		if o.Records != nil {
			o.Records(r)
		}
	})
	go func() {
		_ = cmd.Wait()
		r.reaper.disown(cmd.Process.Pid)
		close(c.waited)
	}()
	return c, nil
}

// newCmd builds the child's command. Its stdout, stderr and fd 3 (the
// helper library's records) are one pipe, so the entry point's printed
// lines and its VCSAG_LOG_MSG records reach the log in the order they were
// written; records are told apart by RecordMark.
func newCmd(path string, args []string, dir string, env []string, out *os.File, cg *runCgroup) *exec.Cmd {
	cmd := &exec.Cmd{
		Path:        path,
		Args:        append([]string{path}, args...),
		Dir:         dir,
		Env:         env,
		Stdout:      out,
		Stderr:      out,
		ExtraFiles:  []*os.File{out},
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	if cg != nil {
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = cg.fd
	}
	return cmd
}

// supervise waits for the child, its deadline or the context.
func (c *child) supervise(ctx context.Context, start time.Time) ep.Result {
	var deadline <-chan time.Time
	if c.o.Timeout > 0 {
		deadline = c.o.Clock.After(c.o.Timeout)
	}
	for {
		select {
		case <-c.waited:
			c.out.finish(c.o.Clock)
			// Moving what the entry point left behind out of its run
			// cgroup takes a cgroup migration (an RCU grace period, up to
			// tens of milliseconds on a busy machine): it is done after
			// the result is returned. Close and Drain wait for it.
			c.r.pending.Add(1)
			go func() {
				defer c.r.pending.Done()
				c.cg.release()
			}()
			return c.exitResult()
		case d := <-c.extend:
			// VCSAG_SET_RES_EP_TIMEOUT: the new timeout counts from now.
			deadline = c.o.Clock.After(d)
		case <-deadline:
			return c.abandon(ep.TimedOut, nil)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return c.abandon(ep.TimedOut, nil)
			}
			return c.abandon(ep.Canceled, ctx.Err())
		}
	}
}

// abandon ends the run now and kills the child's tree in the background.
func (c *child) abandon(o ep.Outcome, err error) ep.Result {
	res := ep.Result{Outcome: o, Err: err, ExitCode: -1, Output: c.out.snapshot()}
	c.r.pending.Add(1)
	go func() {
		defer c.r.pending.Done()
		killTree(&tree{leader: c.cmd.Process.Pid, marker: c.marker, cg: c.cg}, c.o.KillGrace, c.o.Clock, c.o.Logger)
		<-c.waited
		c.cg.release()
		c.out.close()
	}()
	return res
}

func (c *child) exitResult() ep.Result {
	res := ep.Result{Outcome: ep.Exited, Output: c.out.snapshot()}
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ok && ws.Signaled():
		res.Outcome = ep.Signaled
		res.ExitCode = -1
		res.Signal = unix.SignalName(ws.Signal())
		if res.Signal == "" {
			res.Signal = "signal " + strconv.Itoa(int(ws.Signal()))
		}
	default:
		res.ExitCode = c.cmd.ProcessState.ExitCode()
	}
	return res
}
