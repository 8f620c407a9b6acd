package runner_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

var shExit = []string{"-c", "exit 100"}

func bare(b *testing.B) {
	cmd := exec.Command("/bin/sh", shExit...)
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 100 {
		b.Fatalf("bare run: %v", err)
	}
}

func viaRunner(b *testing.B, rn *runner.Runner) {
	r := rn.RunCommand(context.Background(), "/bin/sh", shExit, runner.RunOptions{Timeout: 10 * time.Second,
		Env: []string{"PATH=/usr/bin:/bin"}})
	if r.Outcome != ep.Exited || r.ExitCode != 100 {
		b.Fatalf("runner: %v %d %v", r.Outcome, r.ExitCode, r.Err)
	}
}

// BenchmarkBareForkExec is the baseline: os/exec running /bin/sh -c 'exit 100'.
func BenchmarkBareForkExec(b *testing.B) {
	for b.Loop() {
		bare(b)
	}
}

// BenchmarkRunner runs the same program through Runner.RunCommand (process
// group, pipes, fd 3, run cgroup when available, timeout supervision).
func BenchmarkRunner(b *testing.B) {
	for b.Loop() {
		viaRunner(b, testRunner)
	}
}

// BenchmarkRunnerOverhead alternates both in one loop and reports the ratio
// runner/bare, with and without the per-run cgroup.
func BenchmarkRunnerOverhead(b *testing.B) {
	for _, cg := range []bool{true, false} {
		name := "scan"
		if cg {
			name = "cgroup"
		}
		b.Run(name, func(b *testing.B) {
			rn := newRunner(b, runner.Options{NoCgroups: !cg})
			var tb, tr time.Duration
			for b.Loop() {
				t0 := time.Now()
				bare(b)
				t1 := time.Now()
				viaRunner(b, rn)
				tr += time.Since(t1)
				tb += t1.Sub(t0)
			}
			b.ReportMetric(float64(tb.Nanoseconds())/float64(b.N), "bare-ns/op")
			b.ReportMetric(float64(tr.Nanoseconds())/float64(b.N), "runner-ns/op")
			b.ReportMetric(float64(tr)/float64(tb), "ratio")
		})
	}
}
