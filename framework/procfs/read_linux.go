package procfs

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

// Root is the proc file system read by this package.
const Root = "/proc"

// ClockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat; it is
// 100 on every Linux architecture Go supports.
const ClockTicks = 100

// Path returns /proc/<pid>/<file>.
func Path(pid int, file string) string { return Root + "/" + strconv.Itoa(pid) + "/" + file }

// readFile opens a file and hands it to a parser.
func readFile[T any](name string, parse func(f *os.File) (T, error)) (T, error) {
	f, err := os.Open(name)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
}

// ReadStat reads /proc/<pid>/stat.
func ReadStat(pid int) (Stat, error) {
	return readFile(Path(pid, "stat"), func(f *os.File) (Stat, error) { return ParseStat(f) })
}

// Cmdline reads /proc/<pid>/cmdline (empty for kernel threads).
func Cmdline(pid int) ([]string, error) {
	return readFile(Path(pid, "cmdline"), func(f *os.File) ([]string, error) { return ParseCmdline(f) })
}

// ReadUIDs reads the user ids of pid from /proc/<pid>/status.
func ReadUIDs(pid int) (UIDs, error) {
	return readFile(Path(pid, "status"), func(f *os.File) (UIDs, error) { return ParseStatusUIDs(f) })
}

// Exe returns the executable pid runs ("" when it cannot be read).
func Exe(pid int) string {
	p, _ := os.Readlink(Path(pid, "exe"))
	return p
}

// Alive reports whether pid exists and is neither a zombie nor dead.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	st, err := ReadStat(pid)
	return err == nil && !st.Dead()
}

// All reads the stat of every process (those that vanish meanwhile, or
// whose stat cannot be parsed, are left out).
func All() []Stat {
	pids, err := Pids()
	if err != nil {
		return nil
	}
	out := make([]Stat, 0, len(pids))
	for _, pid := range pids {
		if st, err := ReadStat(pid); err == nil {
			out = append(out, st)
		}
	}
	return out
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
		if pid, err := strconv.Atoi(n); err == nil && pid > 0 {
			out = append(out, pid)
		}
	}
	return out, nil
}

// PidFromFile returns the pid a pid file holds, or an error.
func PidFromFile(path string) (int, error) {
	pid, err := readFile(path, func(f *os.File) (int, error) { return ParsePidFile(f) })
	if err != nil {
		return 0, fmt.Errorf("pid file %s: %w", path, err)
	}
	return pid, nil
}

var bootTime = sync.OnceValues(func() (time.Time, error) {
	bt, err := readFile(Root+"/stat", func(f *os.File) (int64, error) { return ParseBootTime(f) })
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(bt, 0), nil
})

// BootTime returns when the machine booted (read once).
func BootTime() (time.Time, error) { return bootTime() }

// StartTime returns when the process of s started (the zero time when the
// boot time cannot be read).
func StartTime(s Stat) time.Time {
	bt, err := BootTime()
	if err != nil {
		return time.Time{}
	}
	return bt.Add(time.Duration(s.StartTicks) * time.Second / ClockTicks)
}
