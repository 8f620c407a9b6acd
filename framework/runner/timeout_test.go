package runner_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

// The entry point leaves behind a grandchild that ignores SIGTERM and one
// that calls setsid and ignores SIGTERM; with cgroups also one that
// double-forks into a new session with an empty environment (orphaned, no
// link left but the cgroup). Then it hangs. Each writes its pid into $PIDS.
const hangLinked = `
sh -c 'trap "" TERM; echo $$ >>"$PIDS"; while :; do sleep 1; done' &
setsid sh -c 'trap "" TERM; echo $$ >>"$PIDS"; exec sleep 1000' &
`

const hangUnlinked = `
sh -c 'env -i PIDS="$PIDS" setsid sh -c "trap \"\" TERM; echo \$\$ >>\"\$PIDS\"; exec sleep 1000" & exit 0' &
`

const hangWait = `
echo $$ >>"$PIDS"
while [ "$(wc -l <"$PIDS")" -lt $WANT ]; do sleep 0.05; done
echo ready
sleep 1000
`

// TestTimeoutKillsTree checks that a timed-out entry point's result comes
// at (never before) its deadline, as TimedOut, and that, after the
// background kill, none of its processes survives (scanning /proc). How
// soon after the deadline the result comes is measured by
// BenchmarkTimeoutLateness, not asserted here: on a busy machine it varies.
func TestTimeoutKillsTree(t *testing.T) {
	if err := testRunner.BecomeSubreaper(); err != nil {
		t.Fatalf("become subreaper: %v", err)
	}
	for _, tc := range []struct {
		name    string
		cgroups bool
		body    string
		want    int
	}{
		{"cgroup", true, hangLinked + hangUnlinked + hangWait, 4},
		{"scan", false, hangLinked + hangWait, 3},
	} {
		for _, interp := range interpreters {
			t.Run(tc.name+"/"+filepath.Base(interp), func(t *testing.T) {
				needInterp(t, interp)
				r := newRunner(t, runner.Options{NoCgroups: !tc.cgroups})
				if tc.cgroups && !r.CgroupsActive() {
					t.Skip("no writable cgroup v2 hierarchy: the cgroup tracker cannot be tested here")
				}
				testTimeout(t, r, interp, tc.body, tc.want)
			})
		}
	}
}

func testTimeout(t *testing.T, r *runner.Runner, interp, body string, want int) {
	{
		{
			dir := t.TempDir()
			writeScript(t, dir, "monitor", interp, body)
			pids := filepath.Join(t.TempDir(), "pids")
			token := "VIGIL_TEST_TOKEN=" + strconv.FormatInt(time.Now().UnixNano(), 36)
			s, err := runner.NewScript(runner.ScriptOptions{Runner: r, TypeName: "Hang", AgentDir: dir, VCSHome: vcsHome(t)})
			if err != nil {
				t.Fatal(err)
			}
			const timeout = 1500 * time.Millisecond
			start := time.Now()
			res := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "r", Timeout: timeout,
				Env: []string{"PIDS=" + pids, token, "WANT=" + strconv.Itoa(want)}})
			late := time.Since(start) - timeout
			if res.Outcome != ep.TimedOut {
				t.Fatalf("outcome %v (exit %d, err %v, output %q), want timed out", res.Outcome, res.ExitCode, res.Err, res.Output)
			}
			if late < 0 {
				t.Errorf("result came %v before the deadline", -late)
			}
			if !bytes.Contains(res.Output, []byte("ready")) {
				t.Fatalf("entry point did not start its grandchildren in time: output %q", res.Output)
			}
			if got := runner.Meaning(ep.Monitor, res); !strings.HasPrefix(got, "timed out") {
				t.Errorf("meaning %q", got)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := r.Drain(ctx); err != nil {
				t.Fatalf("drain: %v", err)
			}
			list, _ := os.ReadFile(pids)
			if n := len(strings.Fields(string(list))); n != want {
				t.Fatalf("recorded %d pids, want %d: %q", n, want, list)
			}
			for _, f := range strings.Fields(string(list)) {
				pid, _ := strconv.Atoi(f)
				if alive(pid) {
					t.Errorf("pid %d survived the timeout", pid)
				}
			}
			if s := survivorsWith(token); len(s) > 0 {
				t.Errorf("processes with the run's environment survive: %v", s)
			}
		}
	}
}

// TestLeftBehindDaemonSurvives checks that a process an entry point leaves
// behind when it exits normally is left alone.
func TestLeftBehindDaemonSurvives(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "monitor", "/bin/sh", "exit 100\n")
	writeScript(t, dir, "online", "/bin/sh", "sleep 30 >/dev/null 2>&1 3>&- &\necho $!\nexit 0\n")
	s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "D", AgentDir: dir, VCSHome: vcsHome(t)})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Run(context.Background(), ep.Request{EP: ep.Online, Resource: "r", Timeout: 5 * time.Second})
	if r.Outcome != ep.Exited || r.ExitCode != 0 {
		t.Fatalf("online: %v %d %v %s", r.Outcome, r.ExitCode, r.Err, r.Signal)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(r.Output)))
	if err != nil {
		t.Fatalf("output %q", r.Output)
	}
	defer func() { _ = syscallKill(pid) }()
	time.Sleep(300 * time.Millisecond)
	if !alive(pid) {
		t.Fatalf("daemon %d started by online was killed", pid)
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

// survivorsWith returns live pids whose environment holds kv.
func survivorsWith(kv string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err == nil && bytes.Contains(append(append([]byte{0}, b...), 0), []byte("\x00"+kv+"\x00")) && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// TestReaperReapsOrphans checks that, as a subreaper, this process reaps an
// orphaned grandchild at once so it does not linger as a zombie.
func TestReaperReapsOrphans(t *testing.T) {
	if err := testRunner.BecomeSubreaper(); err != nil {
		t.Fatalf("become subreaper: %v", err)
	}
	r := testRunner.RunCommand(context.Background(), "/bin/sh",
		[]string{"-c", `sh -c 'sleep 0.2 & echo $!' & wait`}, runner.RunOptions{Timeout: 5 * time.Second, Env: []string{"PATH=/usr/bin:/bin"}})
	pid, err := strconv.Atoi(strings.TrimSpace(string(r.Output)))
	if r.Outcome != ep.Exited || err != nil {
		t.Fatalf("%v %q %v", r.Outcome, r.Output, err)
	}
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if f[1] != strconv.Itoa(os.Getpid()) {
			t.Errorf("orphan %d has parent %s, want this subreaper %d", pid, f[1], os.Getpid())
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
			return // reaped: gone from /proc
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("orphan %d still in /proc 3 s after it exited (zombie not reaped)", pid)
}
