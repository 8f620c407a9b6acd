package scripts_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/scripts"
)

// shells are the interpreters every bundled agent is tested under: the #!
// line of each entry point is switched to them (copyAgent).
var shells = []string{"/usr/bin/dash", "/usr/bin/bash"}

// newRunner returns the Runner of one test or benchmark, drained and closed
// when it ends.
func newRunner(tb testing.TB) *runner.Runner {
	r := runner.New(runner.Options{})
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := r.Drain(ctx); err != nil {
			tb.Errorf("drain: %v", err)
		}
		r.Close()
	})
	return r
}

// agentUnder materialises the compatibility tree and returns the bundled
// agent typ, its entry points run by sh, as the runner runs them.
func agentUnder(t *testing.T, typ, sh string) *runner.Script {
	t.Helper()
	if _, err := os.Stat(sh); err != nil {
		t.Skipf("%s not installed (make deps installs it): %v", sh, err)
	}
	home := t.TempDir()
	if err := scripts.Materialise(home); err != nil {
		t.Fatal(err)
	}
	dir := copyAgent(t, filepath.Join(home, "bin", typ), sh)
	s, err := runner.NewScript(runner.ScriptOptions{Runner: newRunner(t), TypeName: typ, AgentDir: dir, VCSHome: home})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// resource runs the entry points of one resource.
type resource struct {
	t      *testing.T
	s      *runner.Script
	name   string
	tuples []string // ArgListValues
}

// run runs one entry point: argv is <res> <pre...> <tuples> <post...>.
func (r *resource) run(name ep.Name, action string, pre, post []string) ep.Result {
	args := append(append(append([]string{r.name}, pre...), r.tuples...), post...)
	return r.s.Run(context.Background(), ep.Request{EP: name, Action: action, Resource: r.name, Args: args,
		Timeout: 20 * time.Second})
}

// want runs an entry point (pre: the clean reason) and fails the test
// unless it exited with code.
func (r *resource) want(name ep.Name, code int, pre ...string) ep.Result {
	r.t.Helper()
	res := r.run(name, "", pre, nil)
	if res.Outcome != ep.Exited || res.ExitCode != code {
		r.t.Fatalf("%s %s: %v exit %d (%v), want exit %d; output:\n%s",
			r.name, name, res.Outcome, res.ExitCode, res.Err, code, res.Output)
	}
	return res
}

// settles runs monitor until it exits with code, as the agent's monitors
// after an online do (OnlineWaitLimit): what online started in the
// background may not have exec'd yet when online returns. It gives up
// after a generous bound.
func (r *resource) settles(code int) ep.Result {
	r.t.Helper()
	var res ep.Result
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		res = r.run(ep.Monitor, "", nil, nil)
		if res.Outcome == ep.Exited && res.ExitCode == code || time.Now().After(end) {
			break
		}
	}
	if res.Outcome != ep.Exited || res.ExitCode != code {
		r.t.Fatalf("%s monitor: %v exit %d (%v), want exit %d; output:\n%s",
			r.name, res.Outcome, res.ExitCode, res.Err, code, res.Output)
	}
	return res
}

// action runs an action and fails the test unless it exited with code and
// its output contains out.
func (r *resource) action(token string, code int, out string, args ...string) {
	r.t.Helper()
	post := append([]string{"ACTION_ARGS", strconv.Itoa(len(args))}, args...)
	res := r.run(ep.Action, token, nil, post)
	if res.Outcome != ep.Exited || res.ExitCode != code || !strings.Contains(string(res.Output), out) {
		r.t.Fatalf("%s action %s: %v exit %d output %q, want exit %d output containing %q",
			r.name, token, res.Outcome, res.ExitCode, res.Output, code, out)
	}
}

// alive reports whether pid exists and is neither a zombie nor dead.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndex(s, ") ")
	if i < 0 || i+2 >= len(s) {
		return false
	}
	return s[i+2] != 'Z' && s[i+2] != 'X'
}

// procsWithArgv returns the live processes whose argv is exactly argv.
func procsWithArgv(argv []string) []int {
	want := strings.Join(argv, "\x00") + "\x00"
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline"); err == nil && string(b) == want && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// procsUnder returns the live processes whose argv[0] starts with dir.
func procsUnder(dir string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline"); err == nil &&
			strings.HasPrefix(string(b), dir) && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// killUnder registers a cleanup that SIGKILLs every process run from dir
// and fails the test if one was still there: the agents must leave nothing.
func killUnder(t *testing.T, dir string) {
	t.Cleanup(func() {
		left := procsUnder(dir)
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		if len(left) > 0 {
			t.Errorf("processes left behind from %s: %v", dir, left)
		}
	})
}

// killAndWait sends SIGKILL to pid and waits until it is dead or a zombie.
func killAndWait(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", pid, err)
	}
	for deadline := time.Now().Add(5 * time.Second); alive(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still alive 5 s after SIGKILL", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// onePid fails the test unless exactly one live process has argv.
//
// A process that a script started in the background may still be between
// its fork and its exec (its argv still the script's) when the script has
// returned, so onePid waits, with a generous bound, for exactly one match.
func onePid(t *testing.T, argv []string) int {
	t.Helper()
	var pids []int
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if pids = procsWithArgv(argv); len(pids) == 1 || time.Now().After(end) {
			break
		}
	}
	if len(pids) != 1 {
		t.Fatalf("processes with argv %q: %v, want exactly one", argv, pids)
	}
	return pids[0]
}

// writeExec writes an executable shell script.
func writeExec(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// copyAgent copies an agent directory, replacing #!/bin/sh by #!sh.
func copyAgent(tb testing.TB, src, sh string) string {
	tb.Helper()
	dst := tb.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, strings.TrimPrefix(p, src))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(strings.Replace(string(b), "#!/bin/sh", "#!"+sh, 1)), fi.Mode())
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}
