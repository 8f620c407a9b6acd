package scripts_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
)

// appFixture is a small application in dir: `start go` runs
// `<dir>/bin/daemon 1000` (a link to sleep) detached and writes its pid to
// <dir>/app.pid; `stop` kills it; `mon` exits 0 while it is alive and 1
// otherwise; `clean` records VCSAG_CLEAN_REASON in <dir>/reason and kills it.
type appFixture struct {
	dir, daemon, pidFile string
}

func newAppFixture(t *testing.T) *appFixture {
	dir := t.TempDir()
	killUnder(t, dir)
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	f := &appFixture{dir: dir, daemon: filepath.Join(dir, "bin", "daemon"), pidFile: filepath.Join(dir, "app.pid")}
	if err := os.Symlink(sleeper(t, dir), f.daemon); err != nil {
		t.Fatal(err)
	}
	alive := `s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$(cat ` + f.pidFile + ` 2>/dev/null)/status" 2>/dev/null)` + "\n"
	writeExec(t, filepath.Join(dir, "start"), `[ "$1" = go ] || { echo "bad argument $1"; exit 3; }
echo "starting $*"
`+f.daemon+` 1000 </dev/null >/dev/null 2>&1 &
echo $! >`+f.pidFile+"\n")
	writeExec(t, filepath.Join(dir, "stop"), `kill "$(cat `+f.pidFile+`)"`+"\n")
	writeExec(t, filepath.Join(dir, "mon"), alive+`case $s in ''|Z|X) exit 1 ;; esac
exit 0
`)
	writeExec(t, filepath.Join(dir, "clean"), `echo "$VCSAG_CLEAN_REASON" >`+filepath.Join(dir, "reason")+`
kill -9 "$(cat `+f.pidFile+`)"
`)
	writeExec(t, filepath.Join(dir, "code"), `exit "$1"`+"\n")
	return f
}

// tuples returns the Application ArgListValues.
func (f *appFixture) tuples(clean, monProg string, pidFiles, monProcs []string) []string {
	out := []string{"User", "1", "root",
		"StartProgram", "1", f.dir + "/start  go", "StopProgram", "1", f.dir + "/stop",
		"CleanProgram", "1", clean, "MonitorProgram", "1", monProg,
		"PidFiles", strconv.Itoa(len(pidFiles))}
	out = append(out, pidFiles...)
	out = append(out, "MonitorProcesses", strconv.Itoa(len(monProcs)))
	return append(out, monProcs...)
}

// daemonPid returns the pid of the running daemon.
func (f *appFixture) daemonPid(t *testing.T) int {
	t.Helper()
	return onePid(t, []string{f.daemon, "1000"})
}

// TestApplicationAgent drives the bundled Application agent with each of
// its three monitor methods under dash and bash: online, kill -9, online
// again, offline, online, clean.
func TestApplicationAgent(t *testing.T) {
	cases := []struct {
		name  string
		clean bool // CleanProgram set
		mon   func(f *appFixture) []string
	}{
		{name: "MonitorProgram", clean: true, mon: func(f *appFixture) []string { return f.tuples(f.dir+"/clean", f.dir+"/mon", nil, nil) }},
		{name: "PidFiles", mon: func(f *appFixture) []string { return f.tuples("", "", []string{f.pidFile}, nil) }},
		{name: "MonitorProcesses", mon: func(f *appFixture) []string {
			return f.tuples("", "", nil, []string{f.daemon + " 1000"})
		}},
		{name: "all three", clean: true, mon: func(f *appFixture) []string {
			return f.tuples(f.dir+"/clean", f.dir+"/mon", []string{f.pidFile}, []string{f.daemon + " 1000"})
		}},
	}
	for _, sh := range shells {
		for _, c := range cases {
			t.Run(filepath.Base(sh)+"/"+c.name, func(t *testing.T) {
				f := newAppFixture(t)
				r := &resource{t: t, s: agentUnder(t, "Application", sh), name: "app", tuples: c.mon(f)}
				r.want(ep.Monitor, 100)
				res := r.want(ep.Online, 0)
				if !strings.Contains(string(res.Output), "starting go") {
					t.Errorf("online output %q, want StartProgram's output", res.Output)
				}
				r.settles(110)
				killAndWait(t, f.daemonPid(t))
				r.want(ep.Monitor, 100)
				r.want(ep.Online, 0)
				r.settles(110)
				r.want(ep.Offline, 0)
				r.want(ep.Monitor, 100)
				r.want(ep.Online, 0)
				pid := f.daemonPid(t)
				r.want(ep.Clean, 0, "3")
				// Without CleanProgram, clean returns once the processes are
				// gone; with it, clean trusts its exit code, and the SIGKILL
				// that CleanProgram sent may still be on its way.
				for end := time.Now().Add(10 * time.Second); alive(pid) && c.clean && time.Now().Before(end); {
					time.Sleep(5 * time.Millisecond)
				}
				if alive(pid) {
					t.Fatalf("daemon %d alive after clean", pid)
				}
				if c.clean {
					if b, _ := os.ReadFile(filepath.Join(f.dir, "reason")); string(b) != "3\n" {
						t.Errorf("CleanProgram saw clean reason %q, want 3", b)
					}
				}
				r.want(ep.Monitor, 100)
			})
		}
	}
}

// TestApplicationMonitorProgram maps MonitorProgram's exit codes, and
// checks the configuration errors.
func TestApplicationMonitorProgram(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			f := newAppFixture(t)
			s := agentUnder(t, "Application", sh)
			for _, c := range []struct{ code, want int }{
				{0, 110}, {110, 110}, {105, 105}, {1, 100}, {100, 100}, {7, 99}, {99, 99},
			} {
				t.Run(strconv.Itoa(c.code), func(t *testing.T) {
					r := &resource{t: t, s: s, name: "m", tuples: f.tuples("", f.dir+"/code "+strconv.Itoa(c.code), nil, nil)}
					r.want(ep.Monitor, c.want)
				})
			}
			t.Run("nothing to monitor", func(t *testing.T) {
				r := &resource{t: t, s: s, name: "m", tuples: f.tuples("", "", nil, nil)}
				r.want(ep.Monitor, 99)
			})
			t.Run("relative MonitorProgram", func(t *testing.T) {
				r := &resource{t: t, s: s, name: "m", tuples: f.tuples("", "code 0", nil, nil)}
				r.want(ep.Monitor, 99)
			})
		})
	}
}

// TestApplicationActions runs program.vfd, user.vfd, getcksum and cksum.vfd.
func TestApplicationActions(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			f := newAppFixture(t)
			r := &resource{t: t, s: agentUnder(t, "Application", sh), name: "a",
				tuples: f.tuples("", f.dir+"/mon", nil, nil)}
			r.action("program.vfd", 0, "StartProgram: "+f.dir+"/start: ok")
			r.action("user.vfd", 0, "User root: uid 0")
			res := r.run(ep.Action, "getcksum", nil, []string{"ACTION_ARGS", "0"})
			lines := strings.Split(strings.TrimSpace(string(res.Output)), "\n")
			if res.ExitCode != 0 || len(lines) != 3 || !strings.HasSuffix(lines[0], " "+f.dir+"/start") {
				t.Fatalf("getcksum: exit %d output %q, want 3 cksum lines", res.ExitCode, res.Output)
			}
			r.action("cksum.vfd", 0, "match", lines...)
			lines[1] = "1 2 " + f.dir + "/stop"
			r.action("cksum.vfd", 1, "mismatch", lines...)

			r.tuples = f.tuples("", f.dir+"/missing", nil, nil)
			r.tuples[2] = "no-such-user-here"
			r.action("program.vfd", 1, "MonitorProgram: "+f.dir+"/missing: not an executable")
			r.action("user.vfd", 1, "does not exist")
		})
	}
}
