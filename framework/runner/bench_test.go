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

// BenchmarkTimeoutLateness measures how late after its deadline a timed-out
// entry point's result comes (the tree kill goes on in the background),
// against, as the baseline in the same run, how late a timer of the same
// length fires. It reports the mean lateness of each and their difference.
func BenchmarkTimeoutLateness(b *testing.B) {
	dir := b.TempDir()
	writeScript(b, dir, "monitor", "/bin/sh", "trap '' TERM\nsleep 1000\n")
	s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "Hang", AgentDir: dir, VCSHome: vcsHome(b)})
	if err != nil {
		b.Fatal(err)
	}
	const timeout = 100 * time.Millisecond
	var late, base time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "r", Timeout: timeout})
		late += time.Since(start) - timeout
		if res.Outcome != ep.TimedOut {
			b.Fatalf("outcome %v", res.Outcome)
		}
		start = time.Now()
		<-time.After(timeout)
		base += time.Since(start) - timeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	testRunner.Drain(ctx)
	b.ReportMetric(float64(late.Microseconds())/float64(b.N), "late-us")
	b.ReportMetric(float64(base.Microseconds())/float64(b.N), "timer-late-us")
}
