package scripts_test

import (
	"bufio"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
)

// sleeper makes dir/"my bin"/sleep, a symbolic link to sleep(1): a program
// path with a space, unique to the test, so that only the test's processes
// match it.
func sleeper(t *testing.T, dir string) string {
	t.Helper()
	real, err := exec.LookPath("sleep")
	if err != nil {
		t.Skipf("sleep not found: %v", err)
	}
	p := filepath.Join(dir, "my bin", "sleep")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProcessAgent starts, watches, kills, restarts and stops a process
// through the bundled Process agent, by command line and by PidFile, as
// root and as another user, under dash and bash.
func TestProcessAgent(t *testing.T) {
	cases := []struct {
		name    string
		user    string
		pidFile bool
	}{
		{name: "cmdline"},
		{name: "pidfile", pidFile: true},
		{name: "other user", user: "nobody"},
	}
	for _, sh := range shells {
		for _, c := range cases {
			t.Run(filepath.Base(sh)+"/"+c.name, func(t *testing.T) {
				if c.user != "" {
					if _, err := user.Lookup(c.user); err != nil {
						t.Skipf("user %s: %v", c.user, err)
					}
				}
				dir := t.TempDir()
				killUnder(t, dir)
				prog := sleeper(t, dir)
				pidFile := ""
				if c.pidFile {
					pidFile = filepath.Join(dir, "run dir", "p.pid")
				}
				r := &resource{t: t, s: agentUnder(t, "Process", sh), name: "p1", tuples: []string{
					"PathName", "1", prog, "Arguments", "1", "  1000\t 1 ", "UserName", "1", c.user,
					"PidFile", "1", pidFile}}
				processLifecycle(t, r, []string{prog, "1000", "1"}, pidFile, c.user)
			})
		}
	}
}

// processLifecycle: monitor 100, online, monitor 110, kill -9, monitor 100,
// online, monitor 110, offline, monitor 100, online, clean, monitor 100.
func processLifecycle(t *testing.T, r *resource, argv []string, pidFile, userName string) {
	r.want(ep.Monitor, 100)
	r.want(ep.Online, 0)
	pid := onePid(t, argv)
	if pidFile != "" {
		if b, err := os.ReadFile(pidFile); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(pid) {
			t.Fatalf("PidFile %s holds %q (%v), want %d", pidFile, b, err, pid)
		}
	}
	checkDetached(t, pid, userName)
	r.want(ep.Monitor, 110)
	r.want(ep.Online, 0) // already running: no second process
	pid = onePid(t, argv)

	killAndWait(t, pid)
	r.want(ep.Monitor, 100)
	r.want(ep.Online, 0)
	pid2 := onePid(t, argv)
	if pid2 == pid {
		t.Fatalf("online after kill -9: same pid %d", pid)
	}
	r.want(ep.Monitor, 110)
	r.want(ep.Offline, 0)
	if alive(pid2) {
		t.Fatalf("pid %d alive after offline", pid2)
	}
	r.want(ep.Monitor, 100)
	if pidFile != "" {
		if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
			t.Errorf("PidFile %s still there after offline: %v", pidFile, err)
		}
	}

	r.want(ep.Online, 0)
	pid3 := onePid(t, argv)
	r.want(ep.Clean, 0, "4")
	if alive(pid3) {
		t.Fatalf("pid %d alive after clean", pid3)
	}
	r.want(ep.Monitor, 100)
}

// checkDetached checks that the started process leads a session of its
// own, holds no descriptor but /dev/null on 0..2 and none beyond, and runs
// as userName.
func checkDetached(t *testing.T, pid int, userName string) {
	t.Helper()
	p := "/proc/" + strconv.Itoa(pid)
	b, err := os.ReadFile(p + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b)[strings.LastIndex(string(b), ")")+2:])
	if f[3] != strconv.Itoa(pid) {
		t.Errorf("pid %d: session %s, want a session of its own", pid, f[3])
	}
	fds, _ := os.ReadDir(p + "/fd")
	for _, fd := range fds {
		target, _ := os.Readlink(p + "/fd/" + fd.Name())
		n, _ := strconv.Atoi(fd.Name())
		if n <= 2 && target == "/dev/null" {
			continue
		}
		// A descriptor this test binary itself inherited without
		// close-on-exec (from whatever started `go test`) reaches every
		// child; it is not the agent's doing.
		if own, err := os.Readlink("/proc/self/fd/" + fd.Name()); n > 9 && err == nil && own == target {
			continue
		}
		t.Errorf("pid %d: fd %s -> %s, want only 0..2 on /dev/null", pid, fd.Name(), target)
	}
	if userName == "" {
		return
	}
	u, err := user.Lookup(userName)
	if err != nil {
		t.Fatal(err)
	}
	status, _ := os.Open(p + "/status")
	defer status.Close()
	for sc := bufio.NewScanner(status); sc.Scan(); {
		if f := strings.Fields(sc.Text()); len(f) > 2 && f[0] == "Uid:" && f[2] != u.Uid {
			t.Errorf("pid %d: effective uid %s, want %s (%s)", pid, f[2], u.Uid, userName)
		}
	}
}

// TestProcessAgentZombie: a PidFile naming a zombie is offline; naming its
// live parent, online.
func TestProcessAgentZombie(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			dir := t.TempDir()
			killUnder(t, dir)
			prog := sleeper(t, dir)
			// The child exits at once; its parent execs sleep and never
			// reaps it, so it stays a zombie while the parent lives.
			cmd := exec.Command("/bin/sh", "-c", `"$0" 0 & echo $!; exec "$0" 1000`, prog)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			line, err := bufio.NewReader(out).ReadString('\n')
			zombie, _ := strconv.Atoi(strings.TrimSpace(line))
			if err != nil || zombie == 0 {
				t.Fatalf("zombie pid %q: %v", line, err)
			}
			waitZombie(t, zombie)
			pidFile := filepath.Join(dir, "z.pid")
			r := &resource{t: t, s: agentUnder(t, "Process", sh), name: "z", tuples: []string{
				"PathName", "1", prog, "Arguments", "1", "1000", "UserName", "1", "root", "PidFile", "1", pidFile}}
			os.WriteFile(pidFile, []byte(strconv.Itoa(zombie)+"\n"), 0o644)
			r.want(ep.Monitor, 100)
			os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
			r.want(ep.Monitor, 110)
			r.want(ep.Clean, 0, "4")
			r.want(ep.Monitor, 100)
		})
	}
}

// waitZombie waits until pid is a zombie.
func waitZombie(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err == nil && strings.Contains(string(b), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d did not become a zombie: %q %v", pid, b, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProcessAgentBadConfig: no PathName is UNKNOWN for monitor; a missing
// program leaves the resource offline.
func TestProcessAgentBadConfig(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := agentUnder(t, "Process", sh)
			r := &resource{t: t, s: s, name: "bad", tuples: []string{
				"PathName", "1", "", "Arguments", "1", "", "UserName", "1", "root", "PidFile", "1", ""}}
			r.want(ep.Monitor, 99)
			missing := filepath.Join(t.TempDir(), "no such program")
			r.tuples[2] = missing
			r.want(ep.Online, 0)
			r.want(ep.Monitor, 100)
			r.tuples[11] = "relative/p.pid"
			r.want(ep.Monitor, 99)
		})
	}
}
