package e2e

import (
	"bytes"
	"encoding/json"
	"errors"

	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func (n *node) waitGroup(g, want string) {
	n.t.Helper()
	n.eventually("group "+g+" "+want, 30*time.Second, func() bool { return n.state("grp", g) == want })
}

func before(t *testing.T, order []string, a, b string) {
	t.Helper()
	ia, ib := indexOf(order, a), indexOf(order, b)
	if ia < 0 || ib < 0 || ia > ib {
		t.Fatalf("want %q before %q in %v", a, b, order)
	}
}

// TestDependencyTree: AutoStart brings a three-level tree online children
// first and the dependent group after it; offline goes parents first; a
// group needed firm by an online group refuses to go offline.
func TestDependencyTree(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	n.waitGroup("web", "ONLINE")
	order := requestOrder(n.events())
	for _, p := range [][2]string{{"online leaf", "online mid"}, {"online mid", "online top"},
		{"online side", "online top"}, {"online top", "online webfile"}} {
		before(t, order, p[0], p[1])
	}
	for _, f := range []string{"run/leaf", "run/side", "run/top", "run/webfile"} {
		if !exists(n.path(f)) {
			t.Fatalf("%s missing while its resource is ONLINE", f)
		}
	}
	if _, ok := livePid(n.path("run/mid.pid")); !ok {
		t.Fatal("mid's process is not running while mid is ONLINE")
	}

	_, stderr, code := n.vigil("grp", "offline", "app", "--wait")
	want := `vigil: group "app" is required online by group "web" (online local firm), which is ONLINE`
	if code != 1 || stderr != want {
		t.Fatalf("offline app under web: exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
	if s := n.state("grp", "app"); s != "ONLINE" {
		t.Fatalf("refused offline changed app to %s", s)
	}

	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	order = requestOrder(n.events())
	for _, p := range [][2]string{{"offline top", "offline mid"}, {"offline mid", "offline leaf"},
		{"offline top", "offline side"}, {"offline webfile", "offline top"}} {
		before(t, order, p[0], p[1])
	}
	for _, f := range []string{"run/leaf", "run/side", "run/top", "run/webfile"} {
		if exists(n.path(f)) {
			t.Fatalf("%s still there after offline", f)
		}
	}
	if _, ok := livePid(n.path("run/mid.pid")); ok {
		t.Fatal("mid's process still runs after offline")
	}
	n.must("grp", "online", "app", "--wait")
	if s := n.must("res", "state", "top"); s != "ONLINE" {
		t.Fatalf("top = %s after grp online --wait", s)
	}
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}

// TestCriticalFault: killing a Critical resource's process (RestartLimit 0)
// faults it, takes its whole group offline and the firm dependent group too.
func TestCriticalFault(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	n.waitGroup("web", "ONLINE")
	pid, ok := livePid(n.path("run/mid.pid"))
	if !ok {
		t.Fatal("mid not running")
	}
	if err := syscallKill(pid); err != nil {
		t.Fatal(err)
	}
	n.waitGroup("app", "OFFLINE|FAULTED")
	n.waitGroup("web", "OFFLINE")
	if s := n.must("res", "state", "mid"); s != "FAULTED" {
		t.Fatalf("mid = %s, want FAULTED", s)
	}
	for _, f := range []string{"run/leaf", "run/top", "run/side", "run/webfile"} {
		if exists(n.path(f)) {
			t.Fatalf("%s still there after the group faulted", f)
		}
	}
	n.eventually("resfault trigger ran", 10*time.Second, func() bool {
		b, _ := os.ReadFile(n.path("run/triggers.log"))
		return strings.Contains(string(b), "resfault e2e1 mid ONLINE\n")
	})
	if b, _ := os.ReadFile(n.path("run/triggers.log")); !strings.Contains(string(b), "resstatechange e2e1 top ONLINE") {
		t.Fatalf("resstatechange trigger did not record top going offline:\n%s", b)
	}
	_, stderr, code := n.vigil("grp", "online", "app", "--wait")
	if code != 1 || !strings.Contains(stderr, `resource "mid" is faulted`) {
		t.Fatalf("online with a faulted resource: exit %d, %q", code, stderr)
	}
	n.must("res", "clear", "mid")
	n.eventually("mid cleared", 10*time.Second, func() bool { return n.state("res", "mid") == "OFFLINE" })
	n.must("grp", "online", "app", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}

// TestModifyPersisted: a good modification is applied, written to main.cf
// and survives a restart; a bad one changes nothing.
func TestModifyPersisted(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	mainCF := n.conf + "/main.cf"
	orig, _ := os.ReadFile(mainCF)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"bad int", []string{"res", "modify", "mid", "OnlineDelay", "x"},
			`vigil: attribute OnlineDelay of type Sleeper expects int, got "x"`},
		{"unknown resource", []string{"res", "modify", "web1", "OnlineDelay", "1"}, `vigil: resource "web1" not found`},
		{"unknown attribute", []string{"res", "modify", "mid", "Colour", "1"},
			`vigil: resource "mid" (type Sleeper) has no attribute "Colour"`},
		{"two values for a scalar", []string{"res", "modify", "mid", "OnlineDelay", "1", "2"},
			"vigil: attribute OnlineDelay of type Sleeper is a scalar and takes one value, got 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := n.vigil(tc.args...)
			if code != 1 || stderr != tc.stderr {
				t.Fatalf("exit %d, stderr %q; want 1, %q", code, stderr, tc.stderr)
			}
			if now, _ := os.ReadFile(mainCF); !bytes.Equal(now, orig) {
				t.Fatal("a refused modification changed main.cf")
			}
		})
	}
	n.must("res", "modify", "mid", "OnlineDelay", "1")
	if v := n.must("res", "value", "mid", "OnlineDelay"); v != "1" {
		t.Fatalf("OnlineDelay = %q after modify", v)
	}
	if b, _ := os.ReadFile(mainCF); !strings.Contains(string(b), "OnlineDelay = 1") {
		t.Fatalf("main.cf does not hold the change:\n%s", b)
	}
	if !exists(mainCF + ".previous") {
		t.Fatal("main.cf.previous not kept")
	}
	if out, err := exec.Command(vigilBin, "check", n.conf).CombinedOutput(); err != nil {
		t.Fatalf("dumped main.cf does not check: %v\n%s", err, out)
	}
	n.stop()
	n.start()
	if v := n.must("res", "value", "mid", "OnlineDelay"); v != "1" {
		t.Fatalf("OnlineDelay = %q after restart", v)
	}
	n.waitGroup("app", "ONLINE")
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}

// TestBadRequests: unknown names and malformed API requests get a precise
// error and change nothing.
func TestBadRequests(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	n.waitGroup("web", "ONLINE")
	mainCF := n.conf + "/main.cf"
	orig, _ := os.ReadFile(mainCF)
	status := n.must("status")
	cli := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"online unknown resource", []string{"res", "online", "nope"}, `vigil: resource "nope" not found`},
		{"offline unknown resource", []string{"res", "offline", "web1", "--wait"}, `vigil: resource "web1" not found`},
		{"display unknown resource", []string{"res", "display", "web1"}, `vigil: resource "web1" not found`},
		{"unknown group", []string{"grp", "online", "nogroup"}, `vigil: group "nogroup" not found`},
		{"unknown type", []string{"type", "display", "Nope"}, `vigil: type "Nope" not found`},
		{"offline child of online parent", []string{"res", "offline", "mid"},
			`vigil: resource "mid" is required by online resource "top"; take it offline first`},
	}
	for _, tc := range cli {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := n.vigil(tc.args...)
			if code != 1 || stderr != tc.stderr {
				t.Fatalf("exit %d, stderr %q; want 1, %q", code, stderr, tc.stderr)
			}
		})
	}
	raw := []struct {
		name, method, path, body string
		code                     int
		prefix                   string
	}{
		{"truncated json", "POST", "/v1/resources/top/modify", `{"attribute":`, 400, "malformed request body"},
		{"unknown field", "POST", "/v1/resources/top/modify", `{"attr":"PathName","values":["/x"]}`, 400,
			"malformed request body"},
		{"wrong field type", "POST", "/v1/groups/app/offline", `{"wait":"yes"}`, 400, "malformed request body"},
		{"unknown endpoint", "GET", "/v1/nothing", ``, 404, "no such endpoint"},
	}
	for _, tc := range raw {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := rawRequest(t, n.sock, tc.method, tc.path, tc.body)
			if code != tc.code || !strings.HasPrefix(msg, tc.prefix) {
				t.Fatalf("status %d, error %q; want %d, %q...", code, msg, tc.code, tc.prefix)
			}
		})
	}
	if now, _ := os.ReadFile(mainCF); !bytes.Equal(now, orig) {
		t.Fatal("bad requests changed main.cf")
	}
	if now := n.must("status"); now != status {
		t.Fatalf("bad requests changed states:\nbefore\n%s\nafter\n%s", status, now)
	}
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}

// rawRequest sends one HTTP request on the API socket and returns the
// status and the JSON error message.
func rawRequest(t *testing.T, sock, method, path, body string) (int, string) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{Dial: func(string, string) (net.Conn, error) {
		return net.Dial("unix", sock)
	}}}
	req, _ := http.NewRequest(method, "http://vigil"+path, strings.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct{ Error string }
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("answer is not JSON: %q", b)
	}
	return resp.StatusCode, e.Error
}

// TestKill9WhileOnline: the daemon is killed while a group goes online;
// after a restart every resource is re-probed, the reported states match the
// real files and processes, main.cf is intact, and the group completes.
func TestKill9WhileOnline(t *testing.T) {
	n := newNode(t, "crash")
	orig, _ := os.ReadFile(n.conf + "/main.cf")
	n.start()
	n.eventually("p1 online requested", 20*time.Second, func() bool {
		return indexOf(requestOrder(n.events()), "online p1") >= 0
	})
	n.kill9()
	if now, _ := os.ReadFile(n.conf + "/main.cf"); !bytes.Equal(now, orig) {
		t.Fatal("main.cf changed by the crash")
	}
	if out, err := exec.Command(vigilBin, "check", n.conf).CombinedOutput(); err != nil {
		t.Fatalf("main.cf does not check after the crash: %v\n%s", err, out)
	}
	// An online entry point running when the daemon died finishes on its
	// own (p1's takes 5 s); wait for it so that reality is settled.
	deadline := time.Now().Add(10 * time.Second)
	for !exists(n.path("run/p1.pid")) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	reality := map[string]bool{"base": exists(n.path("run/base")), "crown": exists(n.path("run/crown"))}
	_, reality["p1"] = livePid(n.path("run/p1.pid"))
	_, reality["p2"] = livePid(n.path("run/p2.pid"))
	t.Logf("reality after the crash: %v", reality)
	if !reality["base"] || reality["crown"] {
		t.Fatalf("unexpected reality before restart: %v", reality)
	}

	n.start()
	probed := map[string]string{}
	n.eventually("every resource probed", 20*time.Second, func() bool {
		for _, e := range n.events() {
			if e.Kind == "state" && probed[e.Resource] == "" && !strings.HasPrefix(e.To, "UNKNOWN") {
				probed[e.Resource] = e.To
			}
		}
		return len(probed) == 4
	})
	for res, real := range reality {
		want := "OFFLINE"
		if real {
			want = "ONLINE"
		}
		if probed[res] != want {
			t.Errorf("after restart %s was first reported %s; reality says %s", res, probed[res], want)
		}
	}
	n.waitGroup("slow", "ONLINE")
	for _, f := range []string{"run/base", "run/crown"} {
		if !exists(n.path(f)) {
			t.Fatalf("%s missing while the group is ONLINE", f)
		}
	}
	for _, p := range []string{"run/p1.pid", "run/p2.pid"} {
		if _, ok := livePid(n.path(p)); !ok {
			t.Fatalf("%s: no live process while the group is ONLINE", p)
		}
	}
	n.must("grp", "offline", "slow", "--wait")
	n.stop()
}

// TestReadCommands: every read command answers, as text and as JSON.
func TestReadCommands(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	for _, args := range [][]string{{"status"}, {"res", "list"}, {"res", "state", "top"}, {"res", "display", "mid"},
		{"res", "value", "mid", "PidFile"}, {"grp", "list"}, {"grp", "state", "app"}, {"grp", "display", "web"},
		{"type", "list"}, {"type", "display", "Sleeper"}, {"imf", "status"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if out := n.must(args...); out == "" {
				t.Fatal("no output")
			}
			var v any
			if err := json.Unmarshal([]byte(n.must(append(args, "--json")...)), &v); err != nil {
				t.Fatalf("--json output is not JSON: %v", err)
			}
		})
	}
	if v := n.must("res", "value", "mid", "PidFile"); v != n.path("run/mid.pid") {
		t.Fatalf("value = %q", v)
	}
	if d := n.must("type", "display", "Sleeper"); !strings.Contains(d, "MonitorInterval") {
		t.Fatalf("type display lacks static attributes:\n%s", d)
	}
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}

// TestEventsFollow: `vigil events --follow --json` streams a state change
// caused by a command given while it runs.
func TestEventsFollow(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("web", "ONLINE")
	out := &syncWriter{w: &bytes.Buffer{}}
	f := exec.Command(vigilBin, "events", "--follow", "--json", "-n", "0", "--socket", n.sock)
	f.Stdout = out
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { f.Process.Kill(); f.Wait() }()
	time.Sleep(300 * time.Millisecond)
	n.must("grp", "offline", "web", "--wait")
	n.eventually("streamed webfile going offline", 10*time.Second, func() bool {
		return strings.Contains(out.String(), `"resource":"webfile"`) && strings.Contains(out.String(), `"to":"OFFLINE"`)
	})
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}

// TestStopLeavesNoEntryPoint: SIGTERM while an online entry point runs
// stops the daemon, and no process of that entry point outlives it.
func TestStopLeavesNoEntryPoint(t *testing.T) {
	n := newNode(t, "crash")
	n.start()
	n.eventually("p1 online requested", 20*time.Second, func() bool {
		return indexOf(requestOrder(n.events()), "online p1") >= 0
	})
	script := n.conf + "/agents/Sleeper/online"
	if out, _ := exec.Command("pgrep", "-f", script).Output(); len(out) == 0 {
		t.Fatal("the online entry point is not running; the test proves nothing")
	}
	t0 := time.Now()
	n.stop()
	t.Logf("daemon stopped in %s", time.Since(t0).Round(time.Millisecond))
	// The agent lets a running entry point finish (bounded by --stop-timeout)
	// or kills its tree; either way none of it may outlive the daemon. What a
	// finished online leaves behind (p1's sleep) is the resource, not a leak.
	if out, _ := exec.Command("pgrep", "-af", script).Output(); len(out) != 0 {
		t.Fatalf("entry point processes survived the daemon:\n%s", out)
	}
	if exists(n.sock) {
		t.Fatal("socket left behind")
	}
}

// TestSdNotify: under systemd (NOTIFY_SOCKET set) the daemon reports
// READY=1 once every resource is probed, and STOPPING=1 on SIGTERM.
func TestSdNotify(t *testing.T) {
	n := newNode(t, "tree")
	addr := &net.UnixAddr{Name: n.path("notify.sock"), Net: "unixgram"}
	conn, err := net.ListenUnixgram("unixgram", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", addr.Name)
	n.start()
	var got []string
	buf := make([]byte, 256)
	for len(got) < 1 {
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		k, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		got = append(got, string(buf[:k]))
	}
	if got[0] != "READY=1" {
		t.Fatalf("first notification %q, want READY=1", got[0])
	}
	n.waitGroup("app", "ONLINE")
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.stop()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	k, err := conn.Read(buf)
	if err != nil || string(buf[:k]) != "STOPPING=1" {
		t.Fatalf("after SIGTERM: %q, %v; want STOPPING=1", buf[:k], err)
	}
}

// TestAgentRefusesBadConfig: `vigil agent` does not start on a bad
// configuration or an unknown system, and says why.
func TestAgentRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(string) string
		system string
		want   []string
	}{
		{"two errors", func(s string) string {
			s = strings.Replace(s, `PathName = "`, `Colour = "`, 1)
			return strings.Replace(s, "mid requires leaf", "mid requires nothing", 1)
		}, "e2e1", []string{"main.cf:", "Colour", "nothing"}},
		{"unknown system", func(s string) string { return s }, "elsewhere",
			[]string{`system "elsewhere" is not declared in main.cf (systems: e2e1)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := newNode(t, "tree")
			main := n.conf + "/main.cf"
			b, _ := os.ReadFile(main)
			os.WriteFile(main, []byte(tc.edit(string(b))), 0o644)
			c := exec.Command(vigilBin, "agent", "--config", n.conf, "--socket", n.sock, "--state-dir",
				n.path("state"), "--log-dir", n.path("log"), "--system", tc.system)
			out, err := c.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit %v, want 1; output:\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Fatalf("output lacks %q:\n%s", w, out)
				}
			}
			if exists(n.sock) {
				t.Fatal("socket created by a daemon that refused to start")
			}
		})
	}
}

// TestWaitTimeout: --wait --timeout gives up waiting with a clear message
// and exit 1, while the operation itself goes on to completion.
func TestWaitTimeout(t *testing.T) {
	n := newNode(t, "tree")
	n.start()
	n.waitGroup("app", "ONLINE")
	n.must("grp", "offline", "web", "--wait")
	n.must("grp", "offline", "app", "--wait")
	n.must("res", "modify", "mid", "OnlineDelay", "3")
	_, stderr, code := n.vigil("grp", "online", "app", "--wait", "--timeout", "1s")
	want := "vigil: timed out after 1s waiting for the steady state (the operation goes on)"
	if code != 1 || stderr != want {
		t.Fatalf("exit %d, stderr %q; want 1, %q", code, stderr, want)
	}
	n.waitGroup("app", "ONLINE")
	n.must("grp", "offline", "app", "--wait")
	n.stop()
}
