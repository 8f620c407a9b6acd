package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
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

// freezingPlacement records freezes, or refuses them.
type freezingPlacement struct {
	*fakePlacement
	frozen []string
	fail   error
}

func (p *freezingPlacement) FreezeGroup(_ context.Context, g string, on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.frozen = append(p.frozen, g+map[bool]string{true: ":on", false: ":off"}[on])
	return nil
}

// TestFreezePlaced: freezing a failover group tells a Placement that
// records freezes (a Parallel group is not its business); a refused
// record refuses the freeze and changes nothing.
func TestFreezePlaced(t *testing.T) {
	par := map[string]model.Value{"Parallel": model.ScalarValue("1")}
	b := newBuilder().group("fo", nil, "f1").group("par", par, "p1")
	p := &freezingPlacement{fakePlacement: &fakePlacement{owners: map[string]string{}, refuse: map[string]bool{}}}
	e := startPlaced(t, b.cfg, newWorld(), p)
	for _, g := range []string{"fo", "par"} {
		if err := e.FreezeGroup(g, false); err != nil {
			t.Fatal(err)
		}
		if err := e.UnfreezeGroup(g, false); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(p.frozen, []string{"fo:on", "fo:off"}) {
		t.Fatalf("recorded %v, want fo:on fo:off", p.frozen)
	}
	p.fail = errors.New("no quorum")
	if err := e.FreezeGroup("fo", true); !errors.Is(err, ErrConflict) {
		t.Fatalf("freeze with the record refused: %v", err)
	}
	if e.Snapshot().Groups["fo"].Frozen() {
		t.Fatal("a refused freeze froze the group")
	}
}

// TestResourceOnlinePlaced: vigil res online of a resource of a failover
// group owned elsewhere is refused naming the owner and commands nothing;
// with no owner the group is acquired first.
func TestResourceOnlinePlaced(t *testing.T) {
	b := newBuilder().group("fo", nil, "f1", "f2").requires("f1", "f2")
	p := &fakePlacement{owners: map[string]string{"fo": "n2"}, refuse: map[string]bool{"fo": true}}
	w := newWorld()
	e := startPlaced(t, b.cfg, w, p)
	ctx := context.Background()
	err := e.OnlineResource(ctx, "f2", true)
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `group "fo" is online on system "n2"`) {
		t.Fatalf("res online with the group owned by n2: %v", err)
	}
	if w.index("online f2") >= 0 {
		t.Fatal("a refused res online commanded the resource")
	}
	p.mu.Lock()
	delete(p.owners, "fo")
	p.refuse["fo"] = false
	p.mu.Unlock()
	if err := e.OnlineResource(ctx, "f2", true); err != nil {
		t.Fatal(err)
	}
	if acq, _ := p.log(); !slices.Equal(acq, []string{"fo"}) {
		t.Fatalf("acquired %v, want [fo]", acq)
	}
	if got := p.Owner("fo"); got != "n1" {
		t.Fatalf("owner after res online: %q", got)
	}
}
