package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Detached is a helper process started by StartDetached: it outlives this
// process on purpose.
type Detached struct {
	pid  int
	done chan struct{}
	err  error
}

// Pid returns the helper's pid.
func (d *Detached) Pid() int { return d.pid }

// Done is closed once the helper has exited (and was reaped).
func (d *Detached) Done() <-chan struct{} { return d.done }

// Err returns how the helper ended, once Done is closed.
func (d *Detached) Err() error { return d.err }

// StartDetached starts path with args as a helper that must outlive this
// process (the cluster's fence guard): in a session of its own, with no
// parent-death signal, outside the run cgroups (it stays in this process's
// own cgroup, beside the Runner's base, so KillTree of the base spares it),
// with extra as descriptors 3, 4, ... and stderr as its standard error
// (nil = /dev/null). It is reaped by this process while it lives.
func (r *Runner) StartDetached(path string, args []string, extra []*os.File, stderr *os.File) (*Detached, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.ExtraFiles = extra
	if stderr != nil {
		cmd.Stderr = stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := r.reaper.startOwned(cmd); err != nil {
		return nil, classifyExecError(path, err)
	}
	d := &Detached{pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		r.reaper.disown(d.pid)
		close(d.done)
	}()
	return d, nil
}

// KillTree sends SIGKILL to every process of cgroup dir and of the cgroups
// below it at once (cgroup.kill, which also catches a process forking at
// that moment) and returns how many processes there were. dir must be a
// Runner's cgroup base (CgroupBase) or a cgroup below one.
func KillTree(dir string) (int, error) {
	if !filepath.IsAbs(dir) || filepath.Clean(dir) == "/" {
		return 0, fmt.Errorf("kill cgroup tree %q: not an absolute cgroup path", dir)
	}
	n := 0
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			n += len(readProcs(p))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // nothing was ever started, or the tree was removed
	}
	if err != nil {
		return n, fmt.Errorf("kill cgroup tree %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, nil
		}
		return n, fmt.Errorf("kill cgroup tree %s: %w", dir, err)
	}
	return n, nil
}
