package cluster

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/vigil-ha/vigil/framework/state"
)

// TestFenceForcesOffline: a group whose offline does not finish in the
// first half of the fencing window is forced offline (its agents clean
// it) before the deadline.
func TestFenceForcesOffline(t *testing.T) {
	tc := startCluster(t, 1)
	tl := &timeline{on: map[string]string{}}
	m, _ := join(t, tc, "A", nil)
	eng := &fakeEngine{sys: "A", cfg: groupConfig(), tl: tl, st: map[string]state.Group{"g": state.GroupOffline}}
	c := NewController(m, eng, zaptest.NewLogger(t))
	eng.p = c
	if err := eng.OnlineGroup(context.Background(), "g", true); err != nil {
		t.Fatal(err)
	}
	eng.mu.Lock()
	eng.hang = true
	eng.mu.Unlock()

	c.Fence(time.Now().Add(2 * time.Second))
	eng.mu.Lock()
	forced := slices.Clone(eng.forced)
	eng.mu.Unlock()
	if !slices.Equal(forced, []string{"g"}) {
		t.Fatalf("forced offline: %v, want [g]", forced)
	}
	if where := tl.where("g"); where != "" {
		t.Fatalf("g still online on %s after fencing", where)
	}
}
