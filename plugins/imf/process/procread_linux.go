package process

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; it is 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// readFile opens a /proc file and hands it to a parser.
func readFile[T any](name string, parse func(f *os.File) (T, error)) (T, error) {
	f, err := os.Open(name)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
}

func procPath(pid int, file string) string { return "/proc/" + strconv.Itoa(pid) + "/" + file }

// readStat reads /proc/<pid>/stat.
func readStat(pid int) (Stat, error) {
	return readFile(procPath(pid, "stat"), func(f *os.File) (Stat, error) { return ParseStat(f) })
}

// readProc reads what the matchers need of one process; withUID also
// reads its real user id.
func readProc(pid int, withUID bool) (Proc, error) {
	argv, err := readFile(procPath(pid, "cmdline"), func(f *os.File) ([]string, error) { return ParseCmdline(f) })
	if err != nil {
		return Proc{}, err
	}
	if len(argv) == 0 {
		return Proc{}, fmt.Errorf("pid %d: empty command line (kernel thread or exiting): %w", pid, ErrGone)
	}
	p := Proc{PID: pid, Argv: argv, UID: -1}
	p.Exe, _ = os.Readlink(procPath(pid, "exe"))
	if withUID {
		if p.UID, err = readFile(procPath(pid, "status"), func(f *os.File) (int, error) { return ParseStatusUID(f) }); err != nil {
			return Proc{}, err
		}
	}
	return p, nil
}

// bootTime is when the machine booted, read once.
var bootTime = func() time.Time {
	bt, err := readFile("/proc/stat", func(f *os.File) (int64, error) { return ParseBootTime(f) })
	if err != nil {
		return time.Time{}
	}
	return time.Unix(bt, 0)
}()

// startTime returns when a process started.
func startTime(s Stat) time.Time {
	return bootTime.Add(time.Duration(s.StartTicks) * time.Second / clockTicks)
}

// pids lists the numeric entries of /proc.
func pids() ([]int, error) {
	d, err := os.Open("/proc")
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

// alive reports a process that exists and is not a zombie.
func alive(pid int) error {
	st, err := readStat(pid)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrGone, err)
	}
	if st.Dead() {
		return fmt.Errorf("state %c: %w", st.State, ErrGone)
	}
	return nil
}
