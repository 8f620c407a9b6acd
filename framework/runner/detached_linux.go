package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/procfs"
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
// below it at once (writeKill) and returns how many processes there were. dir must be a
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
	if err := writeKill(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, nil
		}
		return n, fmt.Errorf("kill cgroup tree %s: %w", dir, err)
	}
	return n, nil
}

// MarkerPrefix returns the beginning shared by the MarkerEnv values of
// every run of r: what KillMarked looks for where runs get no cgroup.
func (r *Runner) MarkerPrefix() string {
	return strconv.Itoa(os.Getpid()) + "-" + r.token + "-"
}

// KillMarked sends SIGKILL to every process whose environment carries
// MarkerEnv with a value starting with prefix (a Runner's MarkerPrefix),
// reading /proc again until none is left (at most ten passes, for those
// forked meanwhile), and returns how many it killed. It is the fallback of
// KillTree where runs get no cgroup: a process that cleared its
// environment escapes it.
func KillMarked(prefix string) (int, error) {
	if prefix == "" {
		return 0, errors.New("kill marked processes: empty marker prefix")
	}
	self := os.Getpid()
	killed := map[int]bool{}
	for range 10 {
		pids, err := procfs.Pids()
		if err != nil {
			return len(killed), fmt.Errorf("kill marked processes: %w", err)
		}
		found := false
		for _, pid := range pids {
			if pid == self || !markedWith(pid, prefix) {
				continue
			}
			if st, err := procfs.ReadStat(pid); err != nil || st.Dead() {
				continue
			}
			found = true
			if unix.Kill(pid, unix.SIGKILL) == nil {
				killed[pid] = true
			}
		}
		if !found {
			break
		}
	}
	return len(killed), nil
}

// markedWith reports whether the process carries MarkerEnv=<prefix>...
func markedWith(pid int, prefix string) bool {
	want := []byte(MarkerEnv + "=" + prefix)
	return environHas(pid, func(kv []byte) bool { return bytes.HasPrefix(kv, want) })
}

// HelperCgroup creates a new cgroup <base>/<prefix>-<n> below r's cgroup
// base for a long-lived helper that another package starts (a plugin
// agent's process, started into it with SysProcAttr.CgroupFD): KillTree
// of it reaches every process the helper starts, and KillTree of the base
// (the fence guard) reaches them too. Each call gives a new cgroup: one
// that was killed (cgroup.kill) is not started into again, the kernel may
// kill what joins it. "" when runs get no cgroup here, or prefix is not a
// plain name.
func (r *Runner) HelperCgroup(prefix string) string {
	if prefix == "" || prefix != filepath.Base(prefix) || strings.HasPrefix(prefix, "run-") ||
		strings.HasPrefix(prefix, "kept-") || prefix == "." || prefix == ".." {
		return ""
	}
	base := r.CgroupBase()
	if base == "" {
		return ""
	}
	dir := filepath.Join(base, prefix+"-"+strconv.FormatUint(r.helpers.Add(1), 10))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return ""
	}
	return dir
}

// RemoveCgroup kills what is left in a helper's cgroup (HelperCgroup) and
// removes it once empty.
func RemoveCgroup(dir string) {
	if dir == "" {
		return
	}
	if _, err := KillTree(dir); err == nil {
		waitEmpty(dir)
	}
	_ = unix.Rmdir(dir)
}
