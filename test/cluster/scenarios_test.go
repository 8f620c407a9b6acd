package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rounds is how many times the repeated scenarios run: 1 in `make test`,
// VIGIL_CLUSTER_ROUNDS (20 in `make cluster-test`) otherwise.
func rounds() int {
	if n, err := strconv.Atoi(os.Getenv("VIGIL_CLUSTER_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 1
}

// sysState returns system sys's state as node n's `vigil sys state` says.
func (n *bnode) sysState(sys string) string {
	out, err := n.vigil("sys", "state", sys)
	if err != nil {
		return ""
	}
	return out
}

// owner returns the owner and token of g as node n's cluster view says.
func (n *bnode) owner() (string, int64) {
	out, err := n.vigil("sys", "list", "--json")
	if err != nil {
		return "", 0
	}
	var systems []struct {
		Name   string   `json:"name"`
		Groups []string `json:"groups"`
	}
	if json.Unmarshal([]byte(out), &systems) != nil {
		return "", 0
	}
	for _, s := range systems {
		if len(s.Groups) > 0 {
			return s.Name, 0
		}
	}
	return "", 0
}

// settle waits until the etcd leader is not the owner's member: the
// steady state the daemons steer to (docs/cluster.md), which the round
// measures; right after a takeover the new owner may still lead.
func (b *bed) settle(owner string) {
	b.t.Helper()
	b.eventually("etcd leadership away from the owner "+owner, func() bool {
		out, err := b.node(owner).vigil("sys", "list", "--json")
		if err != nil {
			return false
		}
		var systems []struct {
			Name   string `json:"name"`
			Leader bool   `json:"etcd_leader"`
		}
		if json.Unmarshal([]byte(out), &systems) != nil {
			return false
		}
		for _, s := range systems {
			if s.Leader {
				return s.Name != owner
			}
		}
		return false
	})
}

// others returns the nodes other than name.
func (b *bed) others(name string) []*bnode {
	var out []*bnode
	for _, n := range b.nodes {
		if n.name != name {
			out = append(out, n)
		}
	}
	return out
}

// report prints failover times with their p50 and p99 and the ratio to
// the lease TTL (the baseline every failover waits for).
func report(t *testing.T, what string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	pct := func(p float64) time.Duration { return s[int(p*float64(len(s)-1)+0.5)] }
	line := fmt.Sprintf("%s: n=%d p50=%s p99=%s max=%s (lease TTL %s: p99/TTL=%.2f)", what, len(s),
		pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond),
		ttl, float64(pct(0.99))/float64(ttl))
	t.Log(line)
	if f := os.Getenv("VIGIL_CLUSTER_REPORT"); f != "" {
		fh, err := os.OpenFile(f, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			fmt.Fprintln(fh, line)
			fh.Close()
		}
	}
}

// TestKillOwner: the owning node's daemon is killed (SIGKILL; the etcd
// member it embeds dies with it) → its fence guard kills the resources it
// started, the lease expires, the group is ONLINE on the next system with
// no overlap; the daemon comes back and does not take the group back. A
// last round kills the whole node (every process of it).
func TestKillOwner(t *testing.T) {
	b := newBed(t)
	var times []time.Duration
	for r := 0; r <= rounds(); r++ {
		whole := r == rounds()
		owner := b.where()
		victim := b.node(owner)
		b.settle(owner)
		t0 := time.Now()
		if whole {
			victim.crash()
		} else {
			victim.killDaemon()
		}
		next := ""
		b.eventually("g ONLINE on another node after "+owner+" died", func() bool {
			next = b.where()
			return next != "" && next != "!" && next != owner
		})
		took := time.Since(t0)
		what := "daemon"
		if whole {
			what = "whole node"
		} else {
			times = append(times, took)
		}
		t.Logf("round %d: %s's %s killed, g ONLINE on %s after %s", r, owner, what, next, took.Round(time.Millisecond))
		victim.start()
		b.eventually(owner+" RUNNING again", func() bool {
			return b.node(next).sysState(owner) == "RUNNING" && victim.sysState(owner) == "RUNNING"
		})
		if got := b.where(); got != next {
			t.Fatalf("round %d: g on %q after %s came back, want %s", r, got, owner, next)
		}
	}
	report(t, "kill -9 of the owner's daemon -> ONLINE elsewhere", times)
	checkNoOverlap(t, filepath.Join(b.dir, "run"))
	if out, _ := os.ReadFile(filepath.Join(b.dir, "n1.out")); !strings.Contains(string(out), "fence guard: killed what the daemon started") {
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "guard") {
				lines = append(lines, l)
			}
		}
		t.Errorf("n1's fence guard did not log its kill when n1's daemon died; its lines:\n%s", strings.Join(lines, "\n"))
	}
}

// TestCriticalFaultAndSwitch: the managed process dies → the Critical
// resource faults → the group goes to the next system; then `grp switch`
// moves it, offline before online.
func TestCriticalFaultAndSwitch(t *testing.T) {
	b := newBed(t)
	pidb, err := os.ReadFile(filepath.Join(b.dir, "run", "n1", "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(pidb)))
	syscall.Kill(pid, syscall.SIGKILL)
	b.eventually("g ONLINE on n2 after the fault on n1", func() bool { return b.where() == "n2" })
	if st := b.node("n1").state(); !strings.Contains(st, "FAULTED") && st != "OFFLINE" {
		t.Errorf("n1's state of g after the fault: %q", st)
	}
	if out, err := b.node("n1").vigil("grp", "switch", "g", "--to", "n3", "--wait"); err != nil {
		t.Fatalf("grp switch: %v: %s", err, out)
	}
	b.eventually("g ONLINE on n3 after the switch", func() bool { return b.where() == "n3" })
	out, err := b.node("n2").vigil("status")
	if err != nil || !strings.Contains(out, "n3") || !strings.Contains(out, "RUNNING") {
		t.Errorf("status: %v\n%s", err, out)
	}
	// Offline wherever it runs, from a node that does not own it.
	if out, err := b.node("n1").vigil("grp", "offline", "g", "--any", "--wait"); err != nil {
		t.Fatalf("grp offline --any: %v: %s", err, out)
	}
	b.eventually("g offline everywhere", func() bool { return b.where() == "" && b.node("n3").state() == "OFFLINE" })

	// A frozen system is refused as a target; unfrozen, it takes the group.
	if out, err := b.node("n3").vigil("sys", "freeze", "n2"); err != nil {
		t.Fatalf("sys freeze: %v: %s", err, out)
	}
	if out, err := b.node("n1").vigil("sys", "state", "n2", "--json"); err != nil || !strings.Contains(out, `"frozen": true`) {
		t.Errorf("sys state n2 after the freeze: %v: %s", err, out)
	}
	if out, err := b.node("n1").vigil("grp", "online", "g", "--sys", "n2"); err == nil || !strings.Contains(out, `system "n2" is frozen`) {
		t.Errorf("grp online --sys on a frozen system: %v: %s", err, out)
	}
	if out, err := b.node("n1").vigil("sys", "unfreeze", "n2"); err != nil {
		t.Fatalf("sys unfreeze: %v: %s", err, out)
	}
	if out, err := b.node("n1").vigil("grp", "online", "g", "--sys", "n2", "--wait"); err != nil {
		t.Fatalf("grp online --sys n2 after the unfreeze: %v: %s", err, out)
	}
	b.eventually("g ONLINE on n2", func() bool { return b.where() == "n2" })

	// A clean stop of the owner evacuates the group and releases the fence
	// guard, which kills nothing.
	b.node("n2").stop()
	b.eventually("g ONLINE elsewhere after n2 stopped", func() bool { w := b.where(); return w == "n1" || w == "n3" })
	log, _ := os.ReadFile(filepath.Join(b.dir, "n2.out"))
	if !strings.Contains(string(log), "fence guard: released by the daemon") || strings.Contains(string(log), "fence guard: killed") {
		t.Errorf("n2's fence guard after a clean stop: want released, not killed; n2's output:\n%s", log)
	}
	checkNoOverlap(t, filepath.Join(b.dir, "run"))
}

// TestPartitionOwner: the owner's link is cut → it takes its group offline
// by itself before the lease can expire, the group is ONLINE elsewhere, and
// after the link heals the node rejoins without taking the group back.
func TestPartitionOwner(t *testing.T) {
	b := newBed(t)
	var times []time.Duration
	for r := 0; r < rounds(); r++ {
		owner := b.where()
		iso := b.node(owner)
		b.settle(owner)
		t0 := time.Now()
		iso.cut()
		next := ""
		b.eventually("g ONLINE elsewhere after cutting "+owner, func() bool {
			for _, n := range b.others(owner) {
				if n.state() == "ONLINE" {
					next = n.name
					return true
				}
			}
			return false
		})
		times = append(times, time.Since(t0))
		t.Logf("round %d: %s cut off, g ONLINE on %s after %s", r, owner, next, times[r].Round(time.Millisecond))
		if times[r] > ttl+2*time.Second {
			b.clusterLog(t0.Add(-2 * time.Second))
		}
		b.eventually(owner+" took g offline by itself", func() bool { return iso.state() != "ONLINE" })
		if _, err := os.Stat(filepath.Join(b.dir, "run", owner, "pid")); err == nil {
			t.Errorf("round %d: %s still has its managed process while isolated", r, owner)
		}
		iso.heal()
		// Through its own member too: a quorum read from it proves its
		// member talks to the leader again, which then counts it active.
		b.eventually(owner+" RUNNING again after the heal", func() bool {
			return b.node(next).sysState(owner) == "RUNNING" && iso.sysState(owner) == "RUNNING"
		})
		if got := b.where(); got != next {
			t.Fatalf("round %d: g on %q after %s rejoined, want %s", r, got, owner, next)
		}
	}
	report(t, "partition of the owner -> ONLINE elsewhere", times)
	checkNoOverlap(t, filepath.Join(b.dir, "run"))
}

// TestHungOwner: the owner's daemon hangs (SIGSTOP; the etcd member it
// embeds stops too) → it renews nothing and fences nothing, so its fence
// guard kills the managed process at the deadline, before the lease can
// expire; the group is ONLINE elsewhere with no overlap. Woken (SIGCONT),
// the daemon finds its lease gone and does not take the group back.
func TestHungOwner(t *testing.T) {
	b := newBed(t)
	owner := b.where()
	hung := b.node(owner)
	b.settle(owner)
	t0 := time.Now()
	must(t, hung.cmd.Process.Signal(syscall.SIGSTOP))
	next := ""
	b.eventually("g ONLINE elsewhere after "+owner+" hung", func() bool {
		for _, n := range b.others(owner) {
			if n.state() == "ONLINE" {
				next = n.name
				return true
			}
		}
		return false
	})
	t.Logf("%s hung, g ONLINE on %s after %s", owner, next, time.Since(t0).Round(time.Millisecond))
	must(t, hung.cmd.Process.Signal(syscall.SIGCONT))
	b.eventually(owner+" RUNNING again after it woke", func() bool {
		return b.node(next).sysState(owner) == "RUNNING" && hung.sysState(owner) == "RUNNING"
	})
	if got := b.where(); got != next {
		t.Fatalf("g on %q after %s woke, want %s", got, owner, next)
	}
	checkNoOverlap(t, filepath.Join(b.dir, "run"))
	log, _ := os.ReadFile(filepath.Join(b.dir, owner+".out"))
	if !strings.Contains(string(log), "the daemon did not renew its deadline") {
		t.Errorf("%s's fence guard did not kill at the deadline; its output:\n%s", owner, log)
	}
}

// TestMemberLossAndQuorum: losing one member of three changes nothing;
// losing two (no quorum) makes the owner stop its group and start nothing
// until a quorum returns.
func TestMemberLossAndQuorum(t *testing.T) {
	b := newBed(t)
	owner := b.node("n1")
	b.node("n3").crash()
	b.eventually("n3 EXITED", func() bool { return owner.sysState("n3") == "EXITED" })
	if got := b.where(); got != "n1" {
		t.Fatalf("g on %q after losing n3, want n1", got)
	}
	b.node("n2").crash()
	b.eventually("n1 stops g without quorum", func() bool { return owner.state() != "ONLINE" })
	if b.where() != "" {
		t.Fatalf("g online somewhere without quorum: %s", b.where())
	}
	b.node("n2").start()
	b.eventually("g ONLINE again once quorum returned", func() bool { w := b.where(); return w == "n1" || w == "n2" })
	checkNoOverlap(t, filepath.Join(b.dir, "run"))
}
