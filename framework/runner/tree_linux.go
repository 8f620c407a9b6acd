package runner

import (
	"bytes"
	"os"
	"strconv"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/procfs"
)

// hasMarker reports whether the process carries MarkerEnv=marker.
func hasMarker(pid int, marker string) bool {
	want := []byte(MarkerEnv + "=" + marker)
	return environHas(pid, func(kv []byte) bool { return bytes.Equal(kv, want) })
}

// environHas reports whether a variable of the process's environment
// (NAME=value) satisfies match.
func environHas(pid int, match func(kv []byte) bool) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if match(kv) {
			return true
		}
	}
	return false
}

// tree is the membership state of one run's process tree. known remembers
// every member seen (by pid and start time, so a reused pid is not taken
// for a member), so a process stays a member after it has cut every other
// link (orphaned, new session, cleared environment).
type tree struct {
	leader int
	marker string
	cg     *runCgroup // nil without cgroup v2
	known  map[int]uint64
}

// members returns the live processes of the tree.
func (t *tree) members() []int {
	if t.known == nil {
		t.known = map[int]uint64{}
	}
	in := treeMembers(t.leader, t.marker, t.known)
	seen := map[int]bool{}
	for _, pid := range in {
		seen[pid] = true
	}
	for _, pid := range t.cg.procs() {
		if seen[pid] {
			continue
		}
		// A zombie still listed in the cgroup is dead: the reaper (or init)
		// takes it; signalling it again would only spin.
		if p, err := procfs.ReadStat(pid); err == nil && !p.Dead() {
			in = append(in, pid)
		}
	}
	return in
}

// treeMembers returns the live processes of the tree of the run whose leader
// is leader (also its process group id) and whose marker is marker; known
// (pid → start time) is read and updated.
func treeMembers(leader int, marker string, known map[int]uint64) []int {
	procs := procfs.All()
	self := os.Getpid()
	in := map[int]bool{}
	groups := map[int]bool{leader: true} // process groups of members
	sessions := map[int]bool{}           // sessions led by members
	for _, p := range procs {
		if p.PID == self || p.PID == 1 || p.Dead() {
			continue
		}
		if st, ok := known[p.PID]; (ok && st == p.StartTicks) || p.PID == leader || p.PGID == leader || hasMarker(p.PID, marker) {
			in[p.PID] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for pid := range in {
			groups[pid] = true
			sessions[pid] = true
		}
		for _, p := range procs {
			if in[p.PID] || p.PID == self || p.PID == 1 || p.Dead() {
				continue
			}
			if in[p.PPID] || groups[p.PGID] || sessions[p.SID] {
				in[p.PID] = true
				changed = true
			}
		}
	}
	out := make([]int, 0, len(in))
	for _, p := range procs {
		if in[p.PID] {
			known[p.PID] = p.StartTicks
			out = append(out, p.PID)
		}
	}
	return out
}

// killPollInterval is the pause between scans while a tree is being killed.
const killPollInterval = 20 * time.Millisecond

// maxKillRounds bounds the SIGKILL rounds (each one scan and a pause).
const maxKillRounds = 500

// killTree sends SIGTERM to the tree, waits up to grace for it to go, then
// sends SIGKILL until no member is left.
func killTree(t *tree, grace time.Duration, clk clock.Clock, log *zap.Logger) {
	signalAll(t.leader, t.members(), unix.SIGTERM)
	end := clk.After(grace)
	for waiting := true; waiting; {
		select {
		case <-end:
			waiting = false
		case <-clk.After(killPollInterval):
			if len(t.members()) == 0 {
				return
			}
		}
	}
	for range maxKillRounds {
		m := t.members()
		if len(m) == 0 {
			return
		}
		t.cg.kill()
		signalAll(t.leader, m, unix.SIGKILL)
		<-clk.After(killPollInterval)
	}
	log.Error("processes of a timed-out child survive SIGKILL", zap.Ints("pids", t.members()))
}

func signalAll(leader int, pids []int, sig unix.Signal) {
	_ = unix.Kill(-leader, sig)
	for _, pid := range pids {
		_ = unix.Kill(pid, sig)
	}
}
