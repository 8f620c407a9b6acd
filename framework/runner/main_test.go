package runner_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/runner"
)

// testRunner runs the children of the tests that need no Runner of their
// own; the Runners of newRunner share its Reaper.
var testRunner *runner.Runner

func TestMain(m *testing.M) {
	testRunner = runner.New(runner.Options{})
	code := m.Run()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = testRunner.Drain(ctx)
	cancel()
	testRunner.Close()
	if homeDir != "" {
		os.RemoveAll(homeDir)
	}
	os.Exit(code)
}

// newRunner returns a Runner of its own for one test, sharing the Reaper of
// testRunner (which may be reaping as a subreaper); it is drained and
// closed when the test ends.
func newRunner(tb testing.TB, o runner.Options) *runner.Runner {
	tb.Helper()
	o.Reaper = testRunner.Reaper()
	r := runner.New(o)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := r.Drain(ctx); err != nil {
			tb.Errorf("drain: %v", err)
		}
		r.Close()
	})
	return r
}
