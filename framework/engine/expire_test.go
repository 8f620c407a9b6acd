package engine

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// expiringAgent is a fake agent whose ExpireOffline cleans at once: the
// resource is OFFLINE.
type expiringAgent struct {
	*fakeAgent
	w       *world
	mu      *sync.Mutex
	expired *[]string
}

var _ OfflineExpirer = (*expiringAgent)(nil)

func (a *expiringAgent) ExpireOffline(name string) error {
	a.mu.Lock()
	*a.expired = append(*a.expired, name)
	a.mu.Unlock()
	go a.w.set(name, state.Offline, "clean", events.KindClean)
	return nil
}

// TestForceOffline: a group whose offline hangs (its top resource never
// goes offline, so the one below is never asked) is forced offline: the
// running offline is superseded, both resources are expired (cleaned), and
// the group is released with the fence cause.
func TestForceOffline(t *testing.T) {
	b := newBuilder().group("fo", nil, "f1", "f2").requires("f1", "f2")
	p := &fakePlacement{owners: map[string]string{}, refuse: map[string]bool{}}
	w := newWorld()
	var mu sync.Mutex
	var expired []string
	factory := func(typ *model.Type, h AgentHooks) (Agent, error) {
		a, err := w.factory(typ, h)
		if err != nil {
			return nil, err
		}
		return &expiringAgent{fakeAgent: a.(*fakeAgent), w: w, mu: &mu, expired: &expired}, nil
	}
	e := startPlacedWith(t, b.cfg, factory, p)
	ctx := context.Background()
	if err := e.OnlineGroup(ctx, "fo", true); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.hang["f1"] = true
	w.mu.Unlock()
	moved := make(chan error, 1)
	go func() { moved <- e.MoveOffline(ctx, "fo", ReleaseFence) }()
	waitFor(t, "offline of f1 asked", func() bool { return w.index("offline f1") >= 0 })

	if err := e.ForceOffline(ctx, "fo", ReleaseFence); err != nil {
		t.Fatal(err)
	}
	if err := <-moved; !errors.Is(err, ErrConflict) {
		t.Fatalf("the hung offline was not superseded: %v", err)
	}
	if gs, _ := e.GroupState("fo"); gs.State != state.GroupOffline {
		t.Fatalf("fo after ForceOffline: %v", gs)
	}
	mu.Lock()
	got := slices.Clone(expired)
	mu.Unlock()
	slices.Sort(got)
	if !slices.Equal(got, []string{"f1", "f2"}) {
		t.Fatalf("expired %v, want f1 and f2", got)
	}
	if _, rel := p.log(); !slices.Equal(rel, []string{"fo:fence"}) {
		t.Fatalf("released %v, want [fo:fence]", rel)
	}
}
