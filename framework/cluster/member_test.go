package cluster

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// join returns a joined member of system sys whose lease is kept alive
// until the returned stop is called (stop without revoking = a crash).
func join(t *testing.T, tc *testCluster, sys string, onFence func(time.Time), idx ...int) (*Member, func()) {
	t.Helper()
	m, err := New(Options{Client: tc.client(idx...), System: sys, TTL: 2 * time.Second, Logger: zaptest.NewLogger(t), OnFence: onFence})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Join(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return m, stop
}

func TestOwnershipIsExclusiveAndTokensGrow(t *testing.T) {
	tc := startCluster(t, 1)
	a, _ := join(t, tc, "A", nil)
	b, _ := join(t, tc, "B", nil)
	ctx := context.Background()
	t1, err := a.Acquire(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Acquire(ctx, "g"); !errors.Is(err, ErrOwned) {
		t.Fatalf("B acquired a group A owns: %v", err)
	}
	if again, err := a.Acquire(ctx, "g"); err != nil || again != t1 {
		t.Fatalf("A acquiring again: token %d, %v; want %d", again, err, t1)
	}
	if a.Token("g") != t1 {
		t.Fatalf("Token = %d, want %d", a.Token("g"), t1)
	}
	if err := a.Release(ctx, "g", ReleaseMove); err != nil {
		t.Fatal(err)
	}
	t2, err := b.Acquire(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if t2 <= t1 {
		t.Fatalf("token after the move %d is not above %d", t2, t1)
	}
	// A late release by A must not remove B's ownership.
	if err := a.Release(ctx, "g", ReleaseMove); err != nil {
		t.Fatal(err)
	}
	v, err := a.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Owners["g"] != (Owner{System: "B", Token: t2}) || v.Intent["g"] != IntentOnline {
		t.Fatalf("view after late release: owner %+v intent %q", v.Owners["g"], v.Intent["g"])
	}
	if got := v.SystemNames(); len(got) != 2 {
		t.Fatalf("systems %v", got)
	}
}

func TestSecondMemberWithSameNameRefused(t *testing.T) {
	tc := startCluster(t, 1)
	join(t, tc, "A", nil)
	m, err := New(Options{Client: tc.client(), System: "A", TTL: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Join(context.Background()); err == nil {
		t.Fatal("a second member named A joined")
	}
}

func TestLeaseExpiryFreesGroups(t *testing.T) {
	tc := startCluster(t, 1)
	a, crash := join(t, tc, "A", nil)
	b, _ := join(t, tc, "B", nil)
	ctx := context.Background()
	if _, err := a.Acquire(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	crash() // no revoke: the lease must expire by itself
	eventually(t, "B owns g after A's lease expired", func() bool {
		_, err := b.Acquire(ctx, "g")
		return err == nil
	})
}

func TestBadTTLRefused(t *testing.T) {
	for _, ttl := range []time.Duration{time.Second, 2500 * time.Millisecond} {
		if _, err := New(Options{Client: nil, System: "A", TTL: ttl}); err == nil {
			t.Errorf("TTL %s accepted", ttl)
		}
	}
}

// TestQuorumLossFencesAndStartsNothing: with two members of three down, the
// node fences (before its lease could expire), can acquire nothing, and
// rejoins once quorum is back.
func TestQuorumLossFencesAndStartsNothing(t *testing.T) {
	tc := startCluster(t, 3)
	fenced := make(chan time.Time, 4)
	a, _ := join(t, tc, "A", func(deadline time.Time) { fenced <- deadline }, 0)
	ctx := context.Background()
	if _, err := a.Acquire(ctx, "g"); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	validBefore := a.validUntil
	a.mu.Unlock()
	tc.stop(1)
	tc.stop(2)
	var deadline time.Time
	select {
	case deadline = <-fenced:
	case <-time.After(30 * time.Second):
		t.Fatal("no fencing within 30s of quorum loss")
	}
	a.mu.Lock()
	valid := a.validUntil
	a.mu.Unlock()
	if !deadline.Before(valid) || valid.Before(validBefore) {
		t.Fatalf("fencing deadline %v not before the lease's earliest expiry %v", deadline, valid)
	}
	// The first fence may come from the election that stopping one member
	// caused, before the second stop: the member then renewed its old
	// lease through the two left and was live again until the quorum went.
	// Without a quorum it must end up not live.
	eventually(t, "A not live without a quorum", func() bool { return !a.Live() })
	actx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := a.Acquire(actx, "h"); err == nil {
		t.Fatal("acquired a group without quorum")
	}
	tc.restart(1)
	eventually(t, "A rejoined after quorum returned", a.Live)
	if _, err := a.Acquire(ctx, "h"); err != nil {
		t.Fatal(err)
	}
}

// TestLossOfOneMemberChangesNothing: a member of three going down does not
// fence a node whose client reaches the others.
func TestLossOfOneMemberChangesNothing(t *testing.T) {
	tc := startCluster(t, 3)
	fenced := make(chan time.Time, 4)
	a, _ := join(t, tc, "A", func(deadline time.Time) { fenced <- deadline })
	ctx := context.Background()
	tok, err := a.Acquire(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	tc.stop(0)
	stopped := time.Now()
	eventually(t, "lease renewed past its TTL after the loss", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.validUntil.After(stopped.Add(3 * a.o.TTL))
	})
	select {
	case <-fenced:
		t.Fatal("fenced after losing one member of three")
	default:
	}
	if got := a.Token("g"); got != tok {
		t.Fatalf("token changed: %d, want %d", got, tok)
	}
}
