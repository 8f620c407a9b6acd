package process

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/procfs"
	"github.com/vigil-ha/vigil/plugins/imf"
)

// noticeLog collects notices for tests.
type noticeLog struct {
	mu sync.Mutex
	ns []imf.Notice
	ch chan imf.Notice
}

func newNoticeLog() *noticeLog { return &noticeLog{ch: make(chan imf.Notice, 1024)} }

func (l *noticeLog) notify(n imf.Notice) {
	l.mu.Lock()
	l.ns = append(l.ns, n)
	l.mu.Unlock()
	select {
	case l.ch <- n:
	default:
	}
}

// wait returns the first notice that ok accepts, failing after 20 s.
func (l *noticeLog) wait(t *testing.T, what string, ok func(imf.Notice) bool) imf.Notice {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case n := <-l.ch:
			if ok(n) {
				return n
			}
		case <-deadline:
			t.Fatalf("no notice: %s", what)
		}
	}
}

// start runs a command that the test kills at the end.
func start(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	c := exec.Command(name, args...)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	return c
}

// marker returns a sleep duration unique to the test, so patterns match
// only the test's own processes.
func marker() string { return strconv.Itoa(100000 + int(time.Now().UnixNano()%800000)) }

func newPlugin(t *testing.T, o Options) (*Plugin, *noticeLog) {
	t.Helper()
	l := newNoticeLog()
	o.Notify = l.notify
	p := New(o)
	if p.pidErr != nil {
		t.Skipf("pidfd unavailable on this kernel: %v", p.pidErr)
	}
	t.Cleanup(func() { p.Close() })
	return p, l
}

func TestPRONKillDetected(t *testing.T) {
	p, l := newPlugin(t, Options{})
	m := marker()
	c := start(t, "sleep", m)
	spec := imf.Spec{Resource: "r1", RegType: imf.RegPRON, Tags: map[string]string{"ProcPattern": "sleep  " + m}}
	if err := p.Watch(spec); err != nil {
		t.Fatal(err)
	}
	if st := p.Status(); len(st.Watches) != 1 || !strings.Contains(st.Watches[0].What, strconv.Itoa(c.Process.Pid)) {
		t.Fatalf("status %+v", st)
	}
	c.Process.Kill()
	n := l.wait(t, "exit of the sleep", func(n imf.Notice) bool { return n.Resource == "r1" })
	if !strings.Contains(n.Detail, strconv.Itoa(c.Process.Pid)) {
		t.Errorf("detail %q does not name pid %d", n.Detail, c.Process.Pid)
	}
}

func TestPRONNothingToWatch(t *testing.T) {
	p, _ := newPlugin(t, Options{})
	err := p.Watch(imf.Spec{Resource: "r", RegType: imf.RegPRON, Tags: map[string]string{"ProcPattern": "no-such-prog " + marker()}})
	if !errors.Is(err, imf.ErrNothingToWatch) {
		t.Fatalf("err = %v, want ErrNothingToWatch", err)
	}
	err = p.Watch(imf.Spec{Resource: "r", RegType: imf.RegPRON, Tags: map[string]string{"ProcPattern": "x", "PronOptions": "BOGUS"}})
	if err == nil || !strings.Contains(err.Error(), "BOGUS") {
		t.Fatalf("err = %v, want the bad PronOptions named", err)
	}
}

// TestPRONForkWithoutExec: a daemon that forks without exec and whose
// parent exits is found by its pattern and its exit detected.
func TestPRONForkWithoutExec(t *testing.T) {
	p, l := newPlugin(t, Options{})
	m := marker()
	script := "(while :; do sleep 1; done) & exit 0 # " + m
	c := exec.Command("sh", "-c", script)
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	pattern := "sh -c " + script
	var pid int
	waitFor(t, "the forked daemon", func() bool {
		pid = findPattern(pattern)
		return pid > 0
	})
	t.Cleanup(func() { killTree(pid) })
	if err := p.Watch(imf.Spec{Resource: "d", RegType: imf.RegPRON, Tags: map[string]string{"ProcPattern": pattern}}); err != nil {
		t.Fatal(err)
	}
	killTree(pid)
	l.wait(t, "exit of the daemon", func(n imf.Notice) bool { return n.Resource == "d" })
}

// TestPRONStalePidFile: a pid file written before its PID was taken by
// another process is not mistaken for the resource.
func TestPRONStalePidFile(t *testing.T) {
	p, l := newPlugin(t, Options{})
	c := start(t, "sleep", marker())
	f := filepath.Join(t.TempDir(), "app.pid")
	if err := os.WriteFile(f, []byte(strconv.Itoa(c.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := imf.Spec{Resource: "pf", RegType: imf.RegPRON, Tags: map[string]string{"PidFile": f}}
	if err := p.Watch(spec); err != nil {
		t.Fatalf("fresh pid file: %v", err)
	}
	// The same file, written an hour before the process started: its PID
	// was reused.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(f, old, old); err != nil {
		t.Fatal(err)
	}
	err := p.Watch(spec)
	if !errors.Is(err, imf.ErrNothingToWatch) || !strings.Contains(err.Error(), "reused") {
		t.Fatalf("stale pid file: err = %v, want a reused-PID refusal", err)
	}
	c.Process.Kill()
	c.Wait()
	select {
	case n := <-l.ch:
		t.Fatalf("notice for an unwatched process: %+v", n)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestPROFFStartDetected(t *testing.T) {
	p, l := newPlugin(t, Options{})
	m := marker()
	spec := imf.Spec{Resource: "off", RegType: imf.RegPROFF, Tags: map[string]string{
		"Path": "/usr/bin/sleep", "args": m, "Owner": "root"}}
	if err := p.Watch(spec); err != nil {
		if errors.Is(err, imf.ErrUnavailable) {
			t.Skipf("proc connector unavailable here: %v", err)
		}
		t.Fatal(err)
	}
	start(t, "/usr/bin/sleep", m+"0") // a decoy: other arguments
	c := start(t, "/usr/bin/sleep", m)
	n := l.wait(t, "start of the sleep", func(n imf.Notice) bool { return n.Resource == "off" })
	if !strings.Contains(n.Detail, strconv.Itoa(c.Process.Pid)) {
		t.Errorf("detail %q does not name pid %d", n.Detail, c.Process.Pid)
	}
	p.Unwatch("off")
	if p.Status().Detail == "" || p.conn != nil {
		t.Errorf("proc connector still open after the last PROFF watch: %+v", p.Status())
	}
}

// TestPROFFForkWithoutExec: the exec'ing parent exits before it is read;
// its forked child (same program) is matched instead.
func TestPROFFForkWithoutExec(t *testing.T) {
	p, l := newPlugin(t, Options{})
	m := marker()
	script := "(while :; do sleep 1; done) & exit 0 # " + m
	if err := p.Watch(imf.Spec{Resource: "d", RegType: imf.RegPROFF, Tags: map[string]string{"arg0": "sh", "args": "-c " + script}}); err != nil {
		if errors.Is(err, imf.ErrUnavailable) {
			t.Skipf("proc connector unavailable here: %v", err)
		}
		t.Fatal(err)
	}
	c := exec.Command("sh", "-c", script)
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killTree(findPattern("sh -c " + script)) })
	l.wait(t, "start of the daemon", func(n imf.Notice) bool { return n.Resource == "d" })
}

// TestPROFFLostEventsRescan: a tiny receive buffer and a fork storm make
// the kernel drop events; the plugin reports a rescan.
func TestPROFFLostEventsRescan(t *testing.T) {
	p, l := newPlugin(t, Options{Conn: ConnOptions{RcvBuf: 1}})
	if err := p.Watch(imf.Spec{Resource: "x", RegType: imf.RegPROFF, Tags: map[string]string{"Path": "/nonexistent/" + marker()}}); err != nil {
		if errors.Is(err, imf.ErrUnavailable) {
			t.Skipf("proc connector unavailable here: %v", err)
		}
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// 64 shells each forking 100 short processes: far more events than
		// a minimal buffer holds while the reader is busy.
		storm := exec.Command("sh", "-c", "i=0; while [ $i -lt 64 ]; do (j=0; while [ $j -lt 100 ]; do /bin/true; j=$((j+1)); done) & i=$((i+1)); done; wait")
		storm.Run()
	}()
	l.wait(t, "a rescan after ENOBUFS", func(n imf.Notice) bool { return n.Rescan })
	<-done
	if st := p.Status(); st.Rescans == 0 {
		t.Errorf("status counts no rescan: %+v", st)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// findPattern returns a live PID whose command line is pattern.
func findPattern(pattern string) int {
	all, _ := procfs.Pids()
	for _, pid := range all {
		pr, err := readProc(pid, false)
		if err == nil && words(strings.Join(pr.Argv, " ")) == words(pattern) && alive(pid) == nil {
			return pid
		}
	}
	return 0
}

// killTree kills a process and its children (the daemon's sleep).
func killTree(pid int) {
	if pid <= 0 {
		return
	}
	all, _ := procfs.Pids()
	for _, c := range all {
		if st, err := procfs.ReadStat(c); err == nil && st.PPID == pid {
			syscallKill(c)
		}
	}
	syscallKill(pid)
}

// TestListsFromVectorAttributes: a PRON block whose ProcPattern is one
// list attribute watches every element's processes; a PROFF ProcPattern
// list waits for any of them.
func TestListsFromVectorAttributes(t *testing.T) {
	p, l := newPlugin(t, Options{})
	m1, m2 := marker(), marker()+"1"
	c1, c2 := start(t, "sleep", m1), start(t, "sleep", m2)
	spec := imf.Spec{Resource: "app", RegType: imf.RegPRON, Tags: map[string]string{"ProcPattern": "sleep " + m1 + " sleep " + m2},
		Lists: map[string][]string{"ProcPattern": {"sleep " + m1, "sleep " + m2}}}
	if err := p.Watch(spec); err != nil {
		t.Fatal(err)
	}
	if w := p.Status().Watches[0].What; !strings.Contains(w, strconv.Itoa(c1.Process.Pid)) || !strings.Contains(w, strconv.Itoa(c2.Process.Pid)) {
		t.Fatalf("watch %q does not name both pids", w)
	}
	c2.Process.Kill()
	l.wait(t, "exit of the second", func(n imf.Notice) bool { return n.Resource == "app" })
	p.Unwatch("app")

	m3 := marker() + "3"
	off := imf.Spec{Resource: "app", RegType: imf.RegPROFF, Tags: map[string]string{"ProcPattern": "x", "Owner": "root"},
		Lists: map[string][]string{"ProcPattern": {"sleep " + m3, "/no/such " + m3}}}
	if err := p.Watch(off); err != nil {
		if errors.Is(err, imf.ErrUnavailable) {
			t.Skipf("proc connector unavailable here: %v", err)
		}
		t.Fatal(err)
	}
	c3 := start(t, "sleep", m3)
	n := l.wait(t, "start of the pattern's process", func(n imf.Notice) bool { return n.Resource == "app" })
	if !strings.Contains(n.Detail, strconv.Itoa(c3.Process.Pid)) {
		t.Errorf("detail %q", n.Detail)
	}
}
