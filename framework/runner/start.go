package runner

import (
	"context"

	"github.com/vigil-ha/vigil/framework/ep"
)

// Process is a long-running child started by Runner.Start:
// imf_getnotification, a trigger script run asynchronously. It has the
// guarantees of RunCommand: own process group, clean environment, captured
// and logged output (see RunOptions.Lines to read it as it comes), and a
// whole-tree kill when its context is canceled, when Stop is called or at
// RunOptions.Timeout.
type Process struct {
	pid    int
	cancel context.CancelFunc
	done   chan struct{}
	res    ep.Result
}

// Start starts path with args and returns at once. The returned error is an
// *ExecError when the program cannot be started.
func (r *Runner) Start(ctx context.Context, path string, args []string, o RunOptions) (*Process, error) {
	o.defaults()
	start := o.Clock.Now()
	c, err := r.startChild(path, args, &o)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Process{pid: c.cmd.Process.Pid, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer cancel()
		p.res = c.supervise(ctx, start)
		p.res.Duration = o.Clock.Now().Sub(start)
	}()
	return p, nil
}

// Pid returns the child's process id (also its process group id).
func (p *Process) Pid() int { return p.pid }

// Done is closed when the process has exited or been given up.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop kills the process tree (in the background, see Runner.Drain) and waits
// until Done; the result's Outcome is Canceled unless it had ended before.
func (p *Process) Stop() ep.Result {
	p.cancel()
	<-p.done
	return p.res
}

// Result waits for the process to end and returns its result.
func (p *Process) Result() ep.Result {
	<-p.done
	return p.res
}
