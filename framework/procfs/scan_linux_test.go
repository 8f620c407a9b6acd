package procfs

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// startSleep starts sleep with a unique argument and returns it and its argv.
func startSleep(t *testing.T) (*exec.Cmd, []string) {
	t.Helper()
	argv := []string{"/bin/sleep", strconv.Itoa(300000 + os.Getpid())}
	c := exec.Command(argv[0], argv[1:]...)
	if err := c.Start(); err != nil {
		t.Skipf("cannot start %s: %v", argv[0], err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	// Start returns once exec is past its point of no return, but the new
	// program's argv is in place a little later: until then its cmdline
	// reads empty.
	want := strings.Join(argv, "\x00")
	for {
		got := ""
		if err := ReadCmdline(c.Process.Pid, func(b []byte) { got = string(b) }); err != nil {
			t.Fatal(err)
		}
		if got == want {
			return c, argv
		}
		time.Sleep(time.Millisecond)
	}
}

func TestScanCmdlines(t *testing.T) {
	c, argv := startSleep(t)
	self, err := Cmdline(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	err = ScanCmdlines(func(pid int, cmdline []byte) bool {
		got[pid] = string(cmdline)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	for pid, want := range map[int][]string{os.Getpid(): self, c.Process.Pid: argv} {
		if got[pid] != strings.Join(want, "\x00") {
			t.Errorf("ScanCmdlines: pid %d has %q, want %q", pid, got[pid], want)
		}
	}
	if got[1] == "" {
		t.Errorf("ScanCmdlines: no pid 1 among %d processes", len(got))
	}
	n := 0
	ScanCmdlines(func(int, []byte) bool { n++; return n < 3 })
	if n != 3 {
		t.Errorf("ScanCmdlines went on after false: %d calls", n)
	}
}

// TestRawMatchesFile compares the raw readers with the io.Reader parsers
// fed the same files through os.Open.
func TestRawMatchesFile(t *testing.T) {
	c, _ := startSleep(t)
	for _, pid := range []int{os.Getpid(), c.Process.Pid, 1} {
		var raw []byte
		if err := ReadCmdline(pid, func(b []byte) { raw = slices.Clone(b) }); err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(Path(pid, "cmdline"))
		argv, err := ParseCmdline(f)
		f.Close()
		if got, _ := Cmdline(pid); err != nil || !slices.Equal(got, argv) || !slices.Equal(SplitCmdline(raw), argv) {
			t.Errorf("pid %d: Cmdline %q, raw %q, ParseCmdline %q (%v)", pid, got, raw, argv, err)
		}
		f, _ = os.Open(Path(pid, "status"))
		ids, err := ParseStatusUIDs(f)
		f.Close()
		if got, err2 := ReadUIDs(pid); err != nil || err2 != nil || got != ids {
			t.Errorf("pid %d: ReadUIDs %+v %v, ParseStatusUIDs %+v %v", pid, got, err2, ids, err)
		}
	}
	if err := ReadCmdline(0, func([]byte) { t.Error("fn called for pid 0") }); err == nil {
		t.Error("ReadCmdline(0) succeeded")
	}
}

// zombie starts a child that exits at once and waits, without reaping it
// (WNOWAIT), until it is a zombie; it is reaped when the test ends.
func zombie(t *testing.T) int {
	t.Helper()
	c := exec.Command("/bin/sh", "-c", "exit 0")
	if err := c.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { c.Wait() })
	if err := waitNoReap(c.Process.Pid); err != nil {
		t.Fatal(err)
	}
	return c.Process.Pid
}

// TestZombie: a child that exited and is not reaped is dead and has an
// empty command line.
func TestZombie(t *testing.T) {
	pid := zombie(t)
	if Alive(pid) {
		t.Fatalf("zombie %d counted alive", pid)
	}
	if err := ReadCmdline(pid, func(b []byte) {
		if len(b) != 0 {
			t.Errorf("zombie cmdline %q", b)
		}
	}); err != nil {
		t.Fatal(err)
	}
}

func TestAtoiName(t *testing.T) {
	for name, want := range map[string]int{"1\x00": 1, "4194304\x00\x00": 4194304, "self\x00": 0,
		"\x00": 0, "12a\x00": 0, "0\x00": 0, "12": 0, "99999999999999999999\x00": 0} {
		if got := atoiName([]byte(name)); got != want {
			t.Errorf("atoiName(%q) = %d, want %d", name, got, want)
		}
	}
}

// scanOSFile is the scan as procfs did it before ScanCmdlines: the names
// of /proc through os.File.Readdirnames, and each cmdline through os.Open
// and ParseCmdline, split into strings. It is the benchmarks' baseline.
func scanOSFile(fn func(pid int, argv []string) bool) error {
	d, err := os.Open(Root)
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return err
	}
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil || pid <= 0 {
			continue
		}
		f, err := os.Open(Path(pid, "cmdline"))
		if err != nil {
			continue
		}
		argv, err := ParseCmdline(f)
		f.Close()
		if err == nil && !fn(pid, argv) {
			return nil
		}
	}
	return nil
}

// BenchmarkScanCmdlines looks through the whole process table for an argv
// no process has (a Process monitor after its process was killed): the
// os.File baseline, then the raw reads of every process (raw-all), then
// ScanCmdlines as it runs, skipping the kernel threads it knows (raw).
// Compare the ns/op and allocs/op; the process count is reported as procs.
func BenchmarkScanCmdlines(b *testing.B) {
	want := []string{"/usr/bin/sleep", "no-such-process-" + strconv.Itoa(os.Getpid())}
	joined := strings.Join(want, "\x00")
	procs := 0
	b.Run("os.File", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			procs = 0
			scanOSFile(func(_ int, argv []string) bool {
				procs++
				if slices.Equal(argv, want) {
					b.Fatal("found")
				}
				return true
			})
		}
		b.ReportMetric(float64(procs), "procs")
	})
	for _, c := range []struct {
		name string
		skip bool
	}{{"raw-all", false}, {"raw", kthreadsUsable()}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				procs = 0
				scanCmdlines(func(_ int, cmdline []byte) bool {
					procs++
					if string(cmdline) == joined {
						b.Fatal("found")
					}
					return true
				}, c.skip)
			}
			b.ReportMetric(float64(procs), "procs")
		})
	}
}

// BenchmarkReadStat reads this process's stat: through os.Open and
// ParseStat (the baseline), and through ReadStat.
func BenchmarkReadStat(b *testing.B) {
	pid := os.Getpid()
	b.Run("os.File", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := os.Open(Path(pid, "stat"))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := ParseStat(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ReadStat(pid); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// waitNoReap waits for child pid to exit and leaves it a zombie.
func waitNoReap(pid int) error {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return err
		}
	}
}
