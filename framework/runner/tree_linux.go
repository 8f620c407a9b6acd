package runner

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
)

// procStat is the part of /proc/<pid>/stat the tree walk needs.
type procStat struct {
	pid, ppid, pgrp, sid int
	state                byte
	start                uint64 // start time in clock ticks since boot
}

// parseStat parses the text of /proc/<pid>/stat. The command name may hold
// spaces and parentheses, so fields are counted from the last ')'.
func parseStat(text string) (procStat, bool) {
	open, end := strings.IndexByte(text, '('), strings.LastIndexByte(text, ')')
	if open < 0 || end < open || end+2 > len(text) {
		return procStat{}, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(text[:open]))
	f := strings.Fields(text[end+1:])
	if err != nil || len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, false
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return procStat{}, false
	}
	var n [3]int
	for i := range n {
		if n[i], err = strconv.Atoi(f[i+1]); err != nil {
			return procStat{}, false
		}
	}
	return procStat{pid: pid, state: f[0][0], ppid: n[0], pgrp: n[1], sid: n[2], start: start}, true
}

// dead reports whether the state is zombie or dead.
func (p procStat) dead() bool { return p.state == 'Z' || p.state == 'X' || p.state == 'x' }

// listProcs reads the stat of every process.
func listProcs() []procStat {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := make([]procStat, 0, len(ents))
	for _, e := range ents {
		if c := e.Name()[0]; c < '0' || c > '9' {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if p, ok := parseStat(string(b)); ok {
			out = append(out, p)
		}
	}
	return out
}

// hasMarker reports whether the process carries MarkerEnv=marker.
func hasMarker(pid int, marker string) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	want := []byte(MarkerEnv + "=" + marker)
	for _, kv := range bytes.Split(b, []byte{0}) {
		if bytes.Equal(kv, want) {
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
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
			if p, ok := parseStat(string(b)); ok && !p.dead() {
				in = append(in, pid)
			}
		}
	}
	return in
}

// treeMembers returns the live processes of the tree of the run whose leader
// is leader (also its process group id) and whose marker is marker; known
// (pid → start time) is read and updated.
func treeMembers(leader int, marker string, known map[int]uint64) []int {
	procs := listProcs()
	self := os.Getpid()
	in := map[int]bool{}
	groups := map[int]bool{leader: true} // process groups of members
	sessions := map[int]bool{}           // sessions led by members
	for _, p := range procs {
		if p.pid == self || p.pid == 1 || p.dead() {
			continue
		}
		if st, ok := known[p.pid]; (ok && st == p.start) || p.pid == leader || p.pgrp == leader || hasMarker(p.pid, marker) {
			in[p.pid] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for pid := range in {
			groups[pid] = true
			sessions[pid] = true
		}
		for _, p := range procs {
			if in[p.pid] || p.pid == self || p.pid == 1 || p.dead() {
				continue
			}
			if in[p.ppid] || groups[p.pgrp] || sessions[p.sid] {
				in[p.pid] = true
				changed = true
			}
		}
	}
	out := make([]int, 0, len(in))
	for _, p := range procs {
		if in[p.pid] {
			known[p.pid] = p.start
			out = append(out, p.pid)
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
