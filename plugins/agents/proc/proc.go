package proc

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/procfs"
)

// Match says whether a process's argv is the one looked for.
type Match func(argv []string) bool

// ExactArgv matches an argv equal to want, element by element.
func ExactArgv(want []string) Match {
	return func(argv []string) bool {
		if len(argv) != len(want) {
			return false
		}
		for i := range argv {
			if argv[i] != want[i] {
				return false
			}
		}
		return true
	}
}

// JoinedArgv matches an argv whose elements joined by one space are want
// (Application's MonitorProcesses).
func JoinedArgv(want string) Match {
	return func(argv []string) bool { return len(argv) > 0 && strings.Join(argv, " ") == want }
}

// Is reports whether pid is alive, matches m and, when uid >= 0, runs as uid.
func Is(pid int, m Match, uid int) bool {
	argv, err := procfs.Cmdline(pid)
	if err != nil || !m(argv) || !procfs.Alive(pid) {
		return false
	}
	if uid >= 0 {
		ids, err := procfs.ReadUIDs(pid)
		if err != nil || ids.Effective != uid {
			return false
		}
	}
	return true
}

// Find returns the live processes matching m (and uid when >= 0).
func Find(m Match, uid int) ([]int, error) {
	pids, err := procfs.Pids()
	if err != nil {
		return nil, err
	}
	var out []int
	for _, p := range pids {
		if Is(p, m, uid) {
			out = append(out, p)
		}
	}
	return out, nil
}

// PidFromFile returns the pid a pid file holds (0 when it holds none).
func PidFromFile(path string) int {
	pid, err := procfs.PidFromFile(path)
	if err != nil {
		return 0
	}
	return pid
}

// Signal sends sig to each pid, and to the process group it leads when it
// leads one (the agents start processes in a session of their own).
func Signal(pids []int, sig unix.Signal) {
	for _, p := range pids {
		if st, err := procfs.ReadStat(p); err == nil && st.PGID == p {
			unix.Kill(-p, sig)
		}
		unix.Kill(p, sig)
	}
}

// WaitGone waits up to d for every pid to be dead (or a zombie), polling
// every 50 ms. It reports whether they all are.
func WaitGone(ctx context.Context, c clock.Clock, pids []int, d time.Duration) bool {
	deadline := c.Now().Add(d)
	for {
		left := false
		for _, p := range pids {
			if procfs.Alive(p) {
				left = true
				break
			}
		}
		if !left {
			return true
		}
		if !c.Now().Before(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-c.After(50 * time.Millisecond):
		}
	}
}

// UserID returns the uid of a user name: -1 for "" (any user), 0 for root.
func UserID(name string) (int, error) {
	switch name {
	case "":
		return -1, nil
	case "root":
		return 0, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return 0, fmt.Errorf("user %q: %w", name, err)
	}
	return strconv.Atoi(u.Uid)
}

// RunAs returns the argv prefix that runs a program as user name: nothing
// for "" or the current user, else setpriv (which execs in place, so a pid
// written before it is the program's own).
func RunAs(name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("user %q does not exist: %w", name, err)
	}
	if u.Uid == strconv.Itoa(os.Getuid()) {
		return nil, nil
	}
	return []string{Tool("setpriv"), "--reuid=" + u.Uid, "--regid=" + u.Gid, "--init-groups", "--reset-env", "--"}, nil
}

// toolDirs are searched by Tool, in order.
var toolDirs = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Tool returns the absolute path of a system program (setpriv, mount,
// fsck) in the standard directories, or name itself when none holds it
// (running it then fails with a precise exec error).
func Tool(name string) string {
	for _, d := range toolDirs {
		p := d + "/" + name
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return name
}
