package runner_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/runner"
)

func TestMain(m *testing.M) {
	code := m.Run()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_ = runner.Drain(ctx)
	cancel()
	runner.ReleaseCgroups()
	if homeDir != "" {
		os.RemoveAll(homeDir)
	}
	os.Exit(code)
}
