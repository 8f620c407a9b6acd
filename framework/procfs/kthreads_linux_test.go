package procfs

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// scanAll returns what scanCmdlines delivers, by pid, failing on a pid
// delivered twice.
func scanAll(t *testing.T, skip bool, each func()) map[int]string {
	t.Helper()
	got := map[int]string{}
	err := scanCmdlines(func(pid int, cmdline []byte) bool {
		if _, dup := got[pid]; dup {
			t.Errorf("pid %d delivered twice", pid)
		}
		got[pid] = string(cmdline)
		if each != nil {
			each()
			each = nil
		}
		return true
	}, skip)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func forgetKthread(pid int) {
	kthreads.mu.Lock()
	defer kthreads.mu.Unlock()
	kthreads.drop(pid)
}

func TestScanSkipsKthreads(t *testing.T) {
	if !kthreadsUsable() {
		t.Skip("/proc shows another pid namespace")
	}
	r := getReader()
	kthreadd := r.isKthread(unix.AT_FDCWD, 2)
	putReader(r)
	if !kthreadd {
		t.Skip("no kernel threads in this pid namespace")
	}
	c, argv := startSleep(t)
	full := scanAll(t, false, nil)
	for range 2 { // the first scan learns the kernel threads, the second skips them
		got := scanAll(t, true, nil)
		for pid, want := range map[int]string{2: "", os.Getpid(): full[os.Getpid()],
			c.Process.Pid: strings.Join(argv, "\x00")} {
			if s, ok := got[pid]; !ok || s != want {
				t.Errorf("pid %d: got %q (%v), want %q", pid, s, ok, want)
			}
		}
		// Other processes of the machine may come and go between scans;
		// a kernel thread the set holds is delivered, empty.
		kthreads.mu.Lock()
		for pid := range kthreads.fd {
			if g, ok := got[pid]; !ok || g != "" {
				t.Errorf("kernel thread %d: %q, %v", pid, g, ok)
			}
		}
		kthreads.mu.Unlock()
	}
	kthreads.mu.Lock()
	_, known := kthreads.fd[2]
	kthreads.mu.Unlock()
	if !known {
		t.Fatal("kthreadd (pid 2) not remembered")
	}
}

// pidfdOf starts sleep and returns its pidfd (closed at cleanup) and Cmd.
func pidfdOf(t *testing.T) (int, *exec.Cmd) {
	t.Helper()
	c := exec.Command("/bin/sleep", "1000")
	if err := c.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	fd, err := unix.PidfdOpen(c.Process.Pid, 0)
	if err != nil {
		t.Skipf("pidfd_open: %v", err)
	}
	return fd, c
}

// TestKthreadExited: a remembered thread is trusted only while its pidfd
// says it runs. The pidfd of another process, filed under a live sleep's
// pid, stands in for the thread that had that pid.
func TestKthreadExited(t *testing.T) {
	if !kthreadsUsable() {
		t.Skip("/proc shows another pid namespace")
	}
	c, argv := startSleep(t)
	pid, want := c.Process.Pid, strings.Join(argv, "\x00")
	t.Cleanup(func() { forgetKthread(pid) })

	t.Run("running throughout: skipped", func(t *testing.T) {
		fd, _ := pidfdOf(t)
		kthreads.add(pid, fd)
		if got := scanAll(t, true, nil); got[pid] != "" {
			t.Fatalf("pid %d read (%q), want skipped", pid, got[pid])
		}
		forgetKthread(pid)
	})
	t.Run("exited before the scan: read", func(t *testing.T) {
		fd, other := pidfdOf(t)
		other.Process.Kill()
		if err := waitNoReap(other.Process.Pid); err != nil {
			t.Fatal(err)
		}
		kthreads.add(pid, fd)
		if got := scanAll(t, true, nil); got[pid] != want {
			t.Fatalf("pid %d: %q, want %q", pid, got[pid], want)
		}
		assertForgotten(t, pid)
	})
	t.Run("exited during the scan: read", func(t *testing.T) {
		fd, other := pidfdOf(t)
		kthreads.add(pid, fd)
		got := scanAll(t, true, func() {
			other.Process.Kill()
			if err := waitNoReap(other.Process.Pid); err != nil {
				t.Error(err)
			}
		})
		if got[pid] != want {
			t.Fatalf("pid %d: %q, want %q", pid, got[pid], want)
		}
		assertForgotten(t, pid)
	})
	t.Run("dropped during the scan: read", func(t *testing.T) {
		fd, other := pidfdOf(t)
		kthreads.add(pid, fd)
		reused := -1
		got := scanAll(t, true, func() {
			forgetKthread(pid)
			// The freed descriptor number most likely names a new pidfd
			// of a running process now: the scan must not poll it.
			reused, _ = unix.PidfdOpen(other.Process.Pid, 0)
		})
		if reused >= 0 {
			defer unix.Close(reused)
		}
		if reused != fd {
			t.Logf("descriptor %d not reused (%d)", fd, reused)
		}
		if got[pid] != want {
			t.Fatalf("pid %d: %q, want %q", pid, got[pid], want)
		}
	})
}

func assertForgotten(t *testing.T, pid int) {
	t.Helper()
	kthreads.mu.Lock()
	defer kthreads.mu.Unlock()
	if _, ok := kthreads.fd[pid]; ok {
		t.Fatalf("pid %d still remembered", pid)
	}
}

func TestStatFlags(t *testing.T) {
	tail := " 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 4242 1000 100"
	for in, want := range map[string]int64{"2 (kthreadd) S 0 0 0" + tail: 4194560,
		"9 (a) b) S 1 2 3 0 -1 2097152 1": 2097152, "9 (x) S 1 2": -1, "9 x S": -1, "9 (x) S 1 2 3 4 5 z": -1} {
		got, err := statFlags([]byte(in))
		if (want < 0) != (err != nil) || (want >= 0 && got != uint64(want)) {
			t.Errorf("statFlags(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// TestScanConcurrent: scans share the pooled readers and the kernel
// thread set (run it with -race).
func TestScanConcurrent(t *testing.T) {
	self := os.Getpid()
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			for range 20 {
				found := false
				ScanCmdlines(func(pid int, _ []byte) bool { found = found || pid == self; return true })
				if !found {
					errs <- "a scan missed this process"
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}

// TestZombieNotKthread: a zombie has an empty cmdline too, but is no
// kernel thread; the scan notes it so the next one does not read its
// stat again.
func TestZombieNotKthread(t *testing.T) {
	if !kthreadsUsable() {
		t.Skip("/proc shows another pid namespace")
	}
	pid := zombie(t)
	for range 2 {
		if got, ok := scanAll(t, true, nil)[pid]; !ok || got != "" {
			t.Fatalf("zombie %d: %q, %v", pid, got, ok)
		}
		kthreads.mu.Lock()
		_, plain := kthreads.plain[pid]
		_, kthread := kthreads.fd[pid]
		kthreads.mu.Unlock()
		if !plain || kthread {
			t.Fatalf("zombie %d: plain %v, kernel thread %v", pid, plain, kthread)
		}
	}
}
