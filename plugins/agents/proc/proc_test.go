package proc

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/procfs"
)

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	argv, err := procfs.Cmdline(pid)
	if err != nil || len(argv) == 0 || !ExactArgv(argv)([]byte(strings.Join(argv, "\x00"))) {
		t.Fatalf("Cmdline(self) = %q, %v", argv, err)
	}
	found, err := Find(ExactArgv(argv), os.Geteuid())
	if err != nil || !slices.Contains(found, pid) {
		t.Fatalf("Find(own argv) = %v, %v; want it to hold %d", found, err, pid)
	}
	if found, _ := Find(ExactArgv(argv), os.Geteuid()+1); slices.Contains(found, pid) {
		t.Fatalf("Find(own argv, another uid) = %v holds %d", found, pid)
	}
	if !Is(pid, ExactArgv(argv), -1) || Is(pid, ExactArgv(append(argv, "x")), -1) || Is(0, ExactArgv(argv), -1) {
		t.Fatal("Is(self) wrong")
	}
}

// splitArgv is how Match was defined before it took the raw bytes: on the
// argv procfs.ParseCmdline returns.
func splitArgv(cmdline string) []string {
	argv, _ := procfs.ParseCmdline(strings.NewReader(cmdline))
	return argv
}

// TestMatchAsArgv checks the byte matchers against the argv definitions:
// ExactArgv is element-by-element equality, JoinedArgv equality of the
// elements joined by one space, on the argv of the raw command line.
func TestMatchAsArgv(t *testing.T) {
	cmdlines := []string{"", "\x00", "a", "a\x00", "a\x00\x00\x00", "a\x00b", "a\x00b\x00", "a\x00\x00b",
		"\x00a", "a b", "a b\x00", "a\x00b c", "/usr/bin/sleep\x00400", "/usr/bin/sleep\x004000",
		"/usr/bin/sleep 400", "a\x00 b"}
	wants := [][]string{nil, {}, {""}, {"a"}, {"a", ""}, {"a", "b"}, {"a", "", "b"}, {"", "a"}, {"a b"},
		{"a", "b c"}, {"a\x00b"}, {"/usr/bin/sleep", "400"}, {"a", " b"}, {"a", "", ""}}
	for _, c := range cmdlines {
		raw := procfs.TrimCmdline([]byte(c))
		argv := splitArgv(c)
		for _, w := range wants {
			if got, want := ExactArgv(w)(raw), slices.Equal(argv, w); got != want {
				t.Errorf("ExactArgv(%q) on %q = %v, want %v", w, c, got, want)
			}
		}
		for _, w := range append(slices.Clone(cmdlines), "a b c", " a", "a ") {
			want := len(argv) > 0 && strings.Join(argv, " ") == w
			if got := JoinedArgv(w)(raw); got != want {
				t.Errorf("JoinedArgv(%q) on %q = %v, want %v", w, c, got, want)
			}
		}
	}
}

// TestFind: every live process with the argv is found; one killed and
// not yet reaped (a zombie) is not, nor is a pid that now runs another
// program.
func TestFind(t *testing.T) {
	argv := []string{"/bin/sleep", strconv.Itoa(310000 + os.Getpid())}
	var cs []*exec.Cmd
	for range 2 {
		c := exec.Command(argv[0], argv[1:]...)
		if err := c.Start(); err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
		cs = append(cs, c)
	}
	a, b := cs[0].Process.Pid, cs[1].Process.Pid
	m := ExactArgv(argv)
	// The children may not have exec'd sleep yet: wait until both run it.
	for !Is(a, m, -1) || !Is(b, m, -1) {
		if !procfs.Alive(a) || !procfs.Alive(b) {
			t.Fatal("a child died")
		}
		time.Sleep(time.Millisecond)
	}
	if got, err := Find(m, -1); err != nil || !slices.Equal(sorted(got), sorted([]int{a, b})) {
		t.Fatalf("Find = %v, %v; want %d and %d", got, err, a, b)
	}
	cs[0].Process.Kill()
	var info unix.Siginfo
	if err := unix.Waitid(unix.P_PID, a, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
		t.Fatal(err)
	}
	if Is(a, m, -1) {
		t.Fatalf("zombie %d matches", a)
	}
	if got, err := Find(m, -1); err != nil || !slices.Equal(got, []int{b}) {
		t.Fatalf("Find with %d a zombie = %v, %v; want [%d]", a, got, err, b)
	}
	if Is(os.Getpid(), m, -1) {
		t.Fatal("this process matches sleep's argv")
	}
}

func sorted(l []int) []int { slices.Sort(l); return l }
