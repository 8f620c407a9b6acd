package cluster

import (
	"context"
	"errors"
	"testing"
)

// TestFrozenPolicy: a frozen system is never picked and acquires nothing;
// a frozen group is not failed over when its owner dies and no system can
// acquire it; unfrozen, it goes to the next available system.
func TestFrozenPolicy(t *testing.T) {
	tc := startCluster(t, 1)
	tl := &timeline{on: map[string]string{}}
	ctx := context.Background()
	nodes := map[string]*node{}
	nodes["A"] = startNode(t, tc, "A", tl)
	if err := nodes["A"].m.Freeze(ctx, "B", true); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"B", "C"} {
		nodes[s] = startNode(t, tc, s, tl)
	}
	// AutoStartList is {B, A}: B is frozen, so A.
	eventually(t, "AutoStart on A (B frozen)", func() bool { return tl.where("g") == "A" })
	if _, err := nodes["B"].m.Acquire(ctx, "x"); !errors.Is(err, ErrFrozen) {
		t.Fatalf("acquire on a frozen system: %v", err)
	}

	// Freeze g (as the engine's FreezeGroup does through the controller),
	// then crash its owner: nobody takes it.
	if err := nodes["A"].c.FreezeGroup(ctx, "g", true); err != nil {
		t.Fatal(err)
	}
	nodes["A"].stop()
	nodes["A"].eng.down("g")
	eventually(t, "A's ownership of g expired, seen by B and C", func() bool {
		for _, s := range []string{"B", "C"} {
			v := nodes[s].c.View()
			if v.Owners["g"].System != "" || !v.GFrozen["g"] || v.Systems["A"] {
				return false
			}
		}
		return true
	})
	if _, err := nodes["C"].m.Acquire(ctx, "g"); !errors.Is(err, ErrFrozen) {
		t.Fatalf("acquire of a frozen group: %v", err)
	}
	if w := tl.where("g"); w != "" {
		t.Fatalf("frozen group failed over to %s", w)
	}

	// Unfrozen: the next available system (C; B is frozen) takes it.
	if err := nodes["B"].c.FreezeGroup(ctx, "g", false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "g online on C once unfrozen", func() bool { return tl.where("g") == "C" })
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if len(tl.overlap) > 0 {
		t.Fatalf("overlaps: %v", tl.overlap)
	}
}
