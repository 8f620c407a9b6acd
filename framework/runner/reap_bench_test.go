package runner_test

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkReapPass measures one orphan-reaping pass (what the subreaper
// does on every SIGCHLD) with nothing to reap, first with the process table
// as it is, then with 1,000 more processes, and reports the ratio: a pass
// costs what exited, not the size of the process table, so the ratio stays
// near 1 (the /proc scan it replaced read every process's stat file).
func BenchmarkReapPass(b *testing.B) {
	rp := testRunner.Reaper()
	pass := func(n int) time.Duration {
		start := time.Now()
		for range n {
			rp.ReapOrphans(nil)
		}
		return time.Since(start) / time.Duration(n)
	}
	const passes = 200
	base := pass(passes)
	// 1,000 processes that are not our children (their shell exits, init
	// adopts them): the process table grows, our children do not.
	out, err := exec.Command("/bin/sh", "-c",
		"i=0; while [ $i -lt 1000 ]; do sleep 1000 </dev/null >/dev/null 2>&1 & echo $!; i=$((i+1)); done").Output()
	if err != nil {
		b.Fatal(err)
	}
	pids := strings.Fields(string(out))
	defer func() {
		for _, p := range pids {
			if pid, err := strconv.Atoi(p); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}()
	b.ResetTimer()
	var loaded time.Duration
	for b.Loop() {
		loaded = pass(passes)
	}
	b.ReportMetric(float64(base.Nanoseconds()), "ns/pass-baseline")
	b.ReportMetric(float64(loaded.Nanoseconds()), "ns/pass-1000-more-procs")
	b.ReportMetric(float64(loaded)/float64(base), "ratio")
}
