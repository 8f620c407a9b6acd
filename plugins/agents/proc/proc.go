package proc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
)

// Root is the proc file system read by this package.
const Root = "/proc"

// ErrBadStat is wrapped when /proc/<pid>/stat text cannot be parsed.
var ErrBadStat = errors.New("malformed stat line")

// Stat is what the agents need of /proc/<pid>/stat.
type Stat struct {
	State byte // R, S, D, Z, X, ...
	PGID  int
}

// ParseStat parses one /proc/<pid>/stat line. The command name may hold
// blanks and parentheses, so the fields are read after the last ')'.
func ParseStat(r io.Reader) (Stat, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return Stat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return Stat{}, fmt.Errorf("%w: no command name", ErrBadStat)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("%w: %q", ErrBadStat, b)
	}
	pgid, err := strconv.Atoi(f[2])
	if err != nil {
		return Stat{}, fmt.Errorf("%w: pgrp %q", ErrBadStat, f[2])
	}
	return Stat{State: f[0][0], PGID: pgid}, nil
}

// ParseUID returns the effective uid from /proc/<pid>/status text.
func ParseUID(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[0] == "Uid:" {
			return strconv.Atoi(f[2])
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("status has no Uid line")
}

// ReadStat reads the stat of pid.
func ReadStat(pid int) (Stat, error) {
	f, err := os.Open(Root + "/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Stat{}, err
	}
	defer f.Close()
	return ParseStat(f)
}

// Alive reports whether pid exists and is neither a zombie nor dead.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	st, err := ReadStat(pid)
	return err == nil && st.State != 'Z' && st.State != 'X'
}

// UID returns the effective uid of pid.
func UID(pid int) (int, error) {
	f, err := os.Open(Root + "/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return ParseUID(f)
}

// Cmdline returns the argument vector of pid (empty for kernel threads).
func Cmdline(pid int) ([]string, error) {
	b, err := os.ReadFile(Root + "/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(b, []byte{0})
	if len(b) == 0 {
		return nil, nil
	}
	return strings.Split(string(b), "\x00"), nil
}

// Pids lists the numeric entries of /proc.
func Pids() ([]int, error) {
	d, err := os.Open(Root)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil {
			out = append(out, pid)
		}
	}
	return out, nil
}

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
	argv, err := Cmdline(pid)
	if err != nil || !m(argv) || !Alive(pid) {
		return false
	}
	if uid >= 0 {
		u, err := UID(pid)
		if err != nil || u != uid {
			return false
		}
	}
	return true
}

// Find returns the live processes matching m (and uid when >= 0).
func Find(m Match, uid int) ([]int, error) {
	pids, err := Pids()
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
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// Signal sends sig to each pid, and to the process group it leads when it
// leads one (the agents start processes in a session of their own).
func Signal(pids []int, sig unix.Signal) {
	for _, p := range pids {
		if st, err := ReadStat(p); err == nil && st.PGID == p {
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
			if Alive(p) {
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
