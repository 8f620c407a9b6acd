package e2e

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestIdleConnectionsKeepMonitoring: with a descriptor limit of 512, 3,000
// API connections that send nothing do not take the descriptors the
// monitors need: the resource stays ONLINE and monitored, and the log has
// no "too many open files".
func TestIdleConnectionsKeepMonitoring(t *testing.T) {
	n := newNode(t, "crash")
	n.start()
	// The daemon's limit (soft and hard) goes down to 512 while it runs.
	low := unix.Rlimit{Cur: 512, Max: 512}
	if err := unix.Prlimit(n.cmd.Process.Pid, unix.RLIMIT_NOFILE, &low, nil); err != nil {
		t.Skipf("cannot lower the daemon's descriptor limit: %v", err)
	}
	n.eventually("group ONLINE", 60*time.Second, func() bool { return n.state("grp", "slow") == "ONLINE" })

	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 3000 {
		c, err := net.DialTimeout("unix", n.sock, 5*time.Second)
		if err != nil {
			break // the backlog is full: the daemon is refusing, as it should
		}
		conns = append(conns, c)
	}
	time.Sleep(3 * time.Second) // three MonitorIntervals of the Sleepers with every connection open
	for _, c := range conns {
		c.Close()
	}
	n.eventually("the API answering again", 30*time.Second, func() bool {
		_, _, code := n.vigil("status")
		return code == 0
	})
	for _, r := range []string{"p1", "p2"} {
		if st := n.state("res", r); st != "ONLINE" {
			t.Errorf("resource %s is %s after the idle connections", r, st)
		}
	}
	log, _ := os.ReadFile(n.path("log/engine_A.log"))
	if strings.Contains(string(log)+n.out.String(), "too many open files") {
		t.Errorf("the daemon ran out of descriptors:\n%s", n.out)
	}
}
