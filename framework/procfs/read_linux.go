package procfs

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
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
	r := getReader()
	defer putReader(r)
	b, err := r.read(unix.AT_FDCWD, pid, "stat")
	if err != nil {
		return Stat{}, err
	}
	return parseStat(b[:min(len(b), maxStat)])
}

// Cmdline reads /proc/<pid>/cmdline (empty for kernel threads).
func Cmdline(pid int) ([]string, error) {
	var argv []string
	err := ReadCmdline(pid, func(cmdline []byte) { argv = SplitCmdline(cmdline) })
	return argv, err
}

// ReadCmdline calls fn with /proc/<pid>/cmdline as TrimCmdline leaves it
// (the argv elements separated by NUL bytes, empty for a kernel thread or
// a zombie), unsplit: a matcher compares it without allocating. The bytes
// are valid only during the call; fn is not called on an error.
func ReadCmdline(pid int, fn func(cmdline []byte)) error {
	r := getReader()
	defer putReader(r)
	b, err := r.read(unix.AT_FDCWD, pid, "cmdline")
	if err != nil {
		return err
	}
	fn(TrimCmdline(b))
	return nil
}

// ScanCmdlines calls fn with the pid and command line (as ReadCmdline
// gives it) of every process in /proc, until fn returns false. A process
// that exits meanwhile is left out. Each file is read with plain system
// calls into a buffer the scan reuses, so a scan allocates nothing per
// process, and the kernel threads an earlier scan met are not read again
// (kthreads_linux.go): they come last, with an empty command line.
func ScanCmdlines(fn func(pid int, cmdline []byte) bool) error {
	return scanCmdlines(fn, kthreadsUsable())
}

// scanCmdlines is ScanCmdlines, skipping known kernel threads when skip.
func scanCmdlines(fn func(pid int, cmdline []byte) bool, skip bool) error {
	dir, err := openProc()
	if err != nil {
		return err
	}
	defer closeFd(dir)
	r := getReader()
	defer putReader(r)
	clear(r.skip)
	if skip {
		kthreads.start(r)
	}
	stopped := false
	err = r.eachPid(dir, func(pid int, ino uint64) bool {
		if _, ok := r.skip[pid]; ok {
			return true
		}
		b, err := r.read(dir, pid, "cmdline")
		if err != nil {
			return true
		}
		cmdline := TrimCmdline(b)
		if !fn(pid, cmdline) {
			stopped = true
			return false
		}
		if len(cmdline) == 0 && skip {
			r.checkKthread(dir, pid, ino)
		}
		return true
	})
	if err != nil || stopped {
		return err
	}
	if skip {
		kthreads.endPlain(r)
	}
	if len(r.skip) == 0 {
		return nil
	}
	kthreads.stillRunning(r)
	for pid, i := range r.skip {
		if r.kpoll[i].Revents == 0 {
			if !fn(pid, nil) {
				return nil
			}
			continue
		}
		if b, err := r.read(dir, pid, "cmdline"); err == nil && !fn(pid, TrimCmdline(b)) {
			return nil
		}
	}
	return nil
}

// ReadUIDs reads the user ids of pid from /proc/<pid>/status.
func ReadUIDs(pid int) (UIDs, error) {
	r := getReader()
	defer putReader(r)
	b, err := r.read(unix.AT_FDCWD, pid, "status")
	if err != nil {
		return UIDs{}, err
	}
	return parseStatusUIDs(b)
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
	dir, err := openProc()
	if err != nil {
		return nil, err
	}
	defer closeFd(dir)
	r := getReader()
	defer putReader(r)
	var out []int
	err = r.eachPid(dir, func(pid int, _ uint64) bool { out = append(out, pid); return true })
	if err != nil {
		return nil, err
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
