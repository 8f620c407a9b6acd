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

// Match says whether a process's command line is the one looked for. It
// is given /proc/<pid>/cmdline as procfs.ReadCmdline hands it out: the
// argv elements separated by NUL bytes, trailing NULs trimmed, empty for a
// kernel thread or a zombie. A match compares those bytes as they are, so
// scanning the process table splits nothing.
type Match func(cmdline []byte) bool

// ExactArgv matches an argv equal to want, element by element (the argv
// procfs.Cmdline would return).
func ExactArgv(want []string) Match {
	if len(want) == 0 {
		return func(cmdline []byte) bool { return len(cmdline) == 0 }
	}
	for _, w := range want {
		if strings.IndexByte(w, 0) >= 0 {
			return func([]byte) bool { return false } // no argv element holds a NUL
		}
	}
	if want[len(want)-1] == "" {
		return func([]byte) bool { return false } // trimmed, an argv never ends in an empty element
	}
	joined := strings.Join(want, "\x00")
	return func(cmdline []byte) bool { return string(cmdline) == joined }
}

// JoinedArgv matches an argv whose elements joined by one space are want
// (Application's MonitorProcesses).
func JoinedArgv(want string) Match {
	return func(cmdline []byte) bool {
		if len(cmdline) == 0 || len(cmdline) != len(want) {
			return false
		}
		for i, c := range cmdline {
			if c == 0 { // between two elements
				c = ' '
			}
			if c != want[i] {
				return false
			}
		}
		return true
	}
}

// Is reports whether pid is alive, matches m and, when uid >= 0, runs as uid.
func Is(pid int, m Match, uid int) bool {
	if pid <= 0 {
		return false
	}
	match := false
	if err := procfs.ReadCmdline(pid, func(cmdline []byte) { match = m(cmdline) }); err != nil || !match {
		return false
	}
	return live(pid, uid)
}

// live reports whether pid, whose command line matched, is alive and, when
// uid >= 0, runs as uid.
func live(pid, uid int) bool {
	if !procfs.Alive(pid) {
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

// Find returns the live processes matching m (and uid when >= 0). It reads
// every process's command line in one procfs.ScanCmdlines, and the state
// and user of only those whose command line matches.
func Find(m Match, uid int) ([]int, error) {
	var out []int
	err := procfs.ScanCmdlines(func(pid int, cmdline []byte) bool {
		if m(cmdline) && live(pid, uid) {
			out = append(out, pid)
		}
		return true
	})
	if err != nil {
		return nil, err
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
