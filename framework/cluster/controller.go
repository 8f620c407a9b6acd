package cluster

import (
	"context"
	"errors"
	"maps"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// Engine is what the controller needs of the local engine; *engine.Engine
// satisfies it.
type Engine interface {
	FailoverGroups() []string
	GroupState(name string) (state.GroupState, error)
	OnlineGroup(ctx context.Context, name string, wait bool) error
	MoveOffline(ctx context.Context, name, cause string) error
	ForceOffline(ctx context.Context, name, cause string) error
	Snapshot() *model.Config
}

// Release causes as the engine names them (engine.Release*).
const (
	causeAdmin = "admin"
	causeFault = "fault"
	causeMove  = "move"
	causeFence = "fence"
)

// Controller applies the failover policy on this system: it reads the
// cluster's view after every change and starts, moves or stops this
// system's failover groups so that the cluster's wishes hold, and it fences
// this system's groups when the member loses its lease. It is also the
// engine's Placement.
type Controller struct {
	m   *Member
	eng Engine
	log *zap.Logger

	mu    sync.Mutex
	view  View
	busy  map[string]bool // groups with an operation this controller started
	adopt map[string]bool // groups whose online adopts what runs here
	ops   sync.WaitGroup
	kick  chan struct{}
}

// NewController returns the controller of a member and its engine. The
// engine may be attached later (Attach), before Run, since the engine takes
// the controller as its Placement when it is created.
func NewController(m *Member, eng Engine, log *zap.Logger) *Controller {
	if log == nil {
		log = zap.NewNop()
	}
	return &Controller{m: m, eng: eng, log: log, busy: map[string]bool{}, adopt: map[string]bool{}, kick: make(chan struct{}, 1)}
}

// Attach sets the engine; call it before Run, Fence or Evacuate.
func (c *Controller) Attach(eng Engine) { c.eng = eng }

// Member returns the controller's member.
func (c *Controller) Member() *Member { return c.m }

// Acquire implements engine.Placement. A system frozen in the cluster
// refuses, except for a group the controller adopts (online here, owned
// by none).
func (c *Controller) Acquire(ctx context.Context, group string) error {
	c.mu.Lock()
	adopt := c.adopt[group]
	c.mu.Unlock()
	tok, err := c.m.acquire(ctx, group, adopt)
	if err == nil {
		c.log.Info("group owned", zap.String("group", group), zap.String("system", c.m.System()), zap.Int64("token", tok))
	}
	return err
}

// Released implements engine.Placement.
func (c *Controller) Released(group, cause string) {
	why := ReleaseMove
	switch cause {
	case causeFence:
		return // the lease is gone or going; nothing to write
	case causeAdmin:
		why = ReleaseAdmin
	case causeFault:
		why = ReleaseFault
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.m.TTL())
	defer cancel()
	if err := c.m.Release(ctx, group, why); err != nil {
		c.log.Warn("release failed; the lease ends the ownership", zap.String("group", group), zap.Error(err))
	}
	c.poke()
}

// Owner implements engine.Placement from the last view read.
func (c *Controller) Owner(group string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view.Owners[group].System
}

// View returns the last view read.
func (c *Controller) View() View {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view
}

// FencingEnv returns the fencing environment of a group's entry points:
// VCSAG_FENCING_TOKEN while this system owns the group.
func (c *Controller) FencingEnv(group string) []string {
	if t := c.m.Token(group); t > 0 {
		return []string{"VCSAG_FENCING_TOKEN=" + strconv.FormatInt(t, 10), "VCSAG_FENCING_SYSTEM=" + c.m.System()}
	}
	return nil
}

func (c *Controller) poke() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Run applies the policy until ctx ends; the engine must have probed its
// resources. It waits for the operations it started before returning.
func (c *Controller) Run(ctx context.Context) {
	defer c.ops.Wait()
	c.bootstrap(ctx)
	watch := c.m.Watch(ctx)
	period := c.m.TTL() / 5
	for ctx.Err() == nil {
		rctx, cancel := context.WithTimeout(ctx, c.m.TTL()/2)
		v, err := c.m.Read(rctx)
		cancel()
		if err == nil {
			c.mu.Lock()
			c.view = v
			c.mu.Unlock()
			c.reconcile(ctx, v)
		}
		select {
		case <-ctx.Done():
		case <-watch:
		case <-c.kick:
		case <-c.m.Changed():
		case <-c.m.o.Clock.After(period):
		}
	}
}

// bootstrap records the AutoStart groups the cluster has never seen.
func (c *Controller) bootstrap(ctx context.Context) {
	cfg := c.eng.Snapshot()
	for _, name := range c.eng.FailoverGroups() {
		g := cfg.Groups[name]
		if g == nil || g.Attrs["AutoStart"].Scalar == "0" || len(g.AutoStartList()) == 0 {
			continue
		}
		for ctx.Err() == nil {
			bctx, cancel := context.WithTimeout(ctx, c.m.TTL())
			err := c.m.Bootstrap(bctx, name)
			cancel()
			if err == nil {
				break
			}
			c.log.Warn("bootstrap", zap.String("group", name), zap.Error(err))
			select {
			case <-ctx.Done():
			case <-c.m.o.Clock.After(c.m.TTL() / 5):
			}
		}
	}
}

// reconcile compares the view with this system's groups and starts what
// the policy asks. With no valid lease it starts nothing.
func (c *Controller) reconcile(ctx context.Context, v View) {
	if !c.m.Live() {
		return
	}
	me := c.m.System()
	cfg := c.eng.Snapshot()
	// dv is the view the dependency rules read: it also counts as this
	// system's the groups online or starting here that no owner key shows
	// yet, and those this pass starts, so two groups that must stay apart
	// (offline global or remote) are not started in one pass.
	dv := v
	dv.Owners = maps.Clone(v.Owners)
	if dv.Owners == nil {
		dv.Owners = map[string]Owner{}
	}
	names := c.eng.FailoverGroups()
	states := make(map[string]state.GroupState, len(names))
	for _, name := range names {
		gs, err := c.eng.GroupState(name)
		if err != nil {
			continue
		}
		states[name] = gs
		if dv.Owners[name].System == "" && (gs.State != state.GroupOffline || gs.Flags&state.GroupStarting != 0) {
			dv.Owners[name] = Owner{System: me}
		}
	}
	for _, name := range names {
		g := cfg.Groups[name]
		gs, ok := states[name]
		if g == nil || !ok || c.isBusy(name) || gs.Flags&(state.GroupStarting|state.GroupStopping) != 0 {
			continue
		}
		up := gs.State != state.GroupOffline
		owner, intent := v.Owners[name].System, v.Intent[name]
		if groupFrozen(v, g) {
			continue // frozen: not started, stopped, switched or failed over
		}
		onlineOK := !v.Frozen[me] // a frozen system brings no group online
		switch {
		case owner == me && intent == "":
			if up {
				c.launch(ctx, name, "offline (not wanted online)", func(ctx context.Context) error {
					return c.eng.MoveOffline(ctx, name, causeAdmin)
				})
			} else {
				c.Released(name, causeAdmin)
			}
		case owner == me && v.Targets[name] != "" && v.Targets[name] != me && eligible(v, g, v.Targets[name]) &&
			depsAllow(dv, cfg, g, v.Targets[name]):
			c.launch(ctx, name, "switch to "+v.Targets[name], func(ctx context.Context) error {
				return c.eng.MoveOffline(ctx, name, causeMove)
			})
		case owner == me && up && gs.Flags&state.GroupStopping == 0 && depsBroken(v, cfg, g, me, v.Owners[name].Token) != "":
			why := depsBroken(v, cfg, g, me, v.Owners[name].Token)
			c.launch(ctx, name, why, func(ctx context.Context) error {
				return c.eng.MoveOffline(ctx, name, causeMove)
			})
		case owner == me && !up && c.m.Token(name) == 0:
			// Owned under a lease that outlived a fencing (or a previous
			// incarnation's): the group was taken offline; let it go.
			c.Released(name, causeMove)
		case owner == me:
			if onlineOK && !up && !v.Faults[name][me] && gs.Flags&state.GroupFaulted == 0 {
				c.online(ctx, name, "owner, offline here")
			}
		case owner != "":
			if up {
				c.log.Error("concurrency violation: group online here but owned by another system; taking it offline",
					zap.String("group", name), zap.String("owner", owner))
				c.launch(ctx, name, "concurrency violation", func(ctx context.Context) error {
					return c.eng.MoveOffline(ctx, name, causeMove)
				})
			}
		case up && gs.Flags&state.GroupFaulted == 0:
			c.launch(ctx, name, "adopt: online here, owned by none", func(ctx context.Context) error {
				c.mu.Lock()
				c.adopt[name] = true
				c.mu.Unlock()
				defer func() { c.mu.Lock(); delete(c.adopt, name); c.mu.Unlock() }()
				return c.eng.OnlineGroup(ctx, name, true)
			})
		case intent != "" && depsAllow(dv, cfg, g, me) && candidate(dv, cfg, g, intent) == me:
			dv.Owners[name] = Owner{System: me}
			c.online(ctx, name, "failover policy ("+intent+")")
		}
	}
}

func (c *Controller) online(ctx context.Context, name, why string) {
	c.launch(ctx, name, why, func(ctx context.Context) error { return c.eng.OnlineGroup(ctx, name, true) })
}

func (c *Controller) isBusy(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.busy[name]
}

// launch runs one group operation in the background.
func (c *Controller) launch(ctx context.Context, name, why string, fn func(context.Context) error) {
	c.mu.Lock()
	c.busy[name] = true
	c.mu.Unlock()
	c.log.Info("cluster operation", zap.String("group", name), zap.String("why", why))
	c.ops.Add(1)
	go func() {
		defer c.ops.Done()
		if err := fn(ctx); err != nil && !errors.Is(err, context.Canceled) {
			c.log.Warn("cluster operation failed", zap.String("group", name), zap.String("why", why), zap.Error(err))
		}
		c.mu.Lock()
		delete(c.busy, name)
		c.mu.Unlock()
		c.poke()
	}()
}

// eligible reports whether sys may take group g: a live member of its
// SystemList, not faulted for it, not frozen.
func eligible(v View, g *model.Group, sys string) bool {
	if !v.Systems[sys] || v.Faults[g.Name][sys] || v.Frozen[sys] {
		return false
	}
	for _, kv := range g.SystemList() {
		if kv.Key == sys {
			return true
		}
	}
	return false
}

// candidate returns the system group g goes online on, "" if none: the
// target an administrator named when it is eligible; else, for a group
// never online yet (intent autostart), once every system of AutoStartList
// is a member, the first eligible one; else the eligible system of SystemList with the lowest
// priority number (ties in list order).
func candidate(v View, cfg *model.Config, g *model.Group, intent string) string {
	if t := v.Targets[g.Name]; t != "" && eligible(v, g, t) && depsAllow(v, cfg, g, t) {
		return t
	}
	var order []string
	if intent == IntentAutoStart {
		// As VCS waits for every system to probe a group before AutoStart,
		// the first AutoStart waits for every system of AutoStartList to be
		// a member; an administrator's online names a system at once.
		order = g.AutoStartList()
		for _, s := range order {
			if !v.Systems[s] {
				return ""
			}
		}
	} else {
		order = ByPriority(g)
	}
	for _, s := range order {
		if eligible(v, g, s) && depsAllow(v, cfg, g, s) {
			return s
		}
	}
	return ""
}

// ByPriority returns a group's SystemList by priority (lowest number
// first, ties in list order).
func ByPriority(g *model.Group) []string {
	sl := append([]model.KV(nil), g.SystemList()...)
	sort.SliceStable(sl, func(i, j int) bool { return prio(sl[i]) < prio(sl[j]) })
	out := make([]string, 0, len(sl))
	for _, kv := range sl {
		out = append(out, kv.Key)
	}
	return out
}

func prio(kv model.KV) int {
	n, err := strconv.Atoi(kv.Value)
	if err != nil {
		return 1 << 30
	}
	return n
}

// Fence takes every failover group of this system offline, in parallel,
// by deadline; it is the member's OnFence. Each group's offline gets the
// first half of the time left; a group not offline by then is forced
// (Engine.ForceOffline: its agents clean what is not offline) in the second
// half. A group still not offline at the deadline is logged as an error:
// only the fence guard (guard.go), which kills at the deadline, and the
// watchdog, if any, can help. It reports whether every group went offline.
func (c *Controller) Fence(deadline time.Time) bool {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	now := c.m.o.Clock.Now()
	half := now.Add(deadline.Sub(now) / 2)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for _, name := range c.eng.FailoverGroups() {
		gs, err := c.eng.GroupState(name)
		if err != nil || (gs.State == state.GroupOffline && gs.Flags&state.GroupStarting == 0) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			octx, ocancel := context.WithDeadline(ctx, half)
			err := c.eng.MoveOffline(octx, name, causeFence)
			ocancel()
			if err == nil {
				return
			}
			c.log.Error("fencing: group not offline in half the time; cleaning it", zap.String("group", name), zap.Error(err))
			if err := c.eng.ForceOffline(ctx, name, causeFence); err != nil {
				failed.Store(true)
				c.log.Error("fencing: group not offline by the deadline", zap.String("group", name), zap.Error(err))
			}
		}()
	}
	wg.Wait()
	c.poke()
	return !failed.Load()
}

// Evacuate takes every failover group of this system offline so that the
// others take them over (daemon shutdown in a cluster). The member must
// keep its lease until it returns; the caller then leaves. Frozen groups
// are left as they are.
func (c *Controller) Evacuate(ctx context.Context) {
	var wg sync.WaitGroup
	v := c.View()
	cfg := c.eng.Snapshot()
	for _, name := range c.eng.FailoverGroups() {
		gs, err := c.eng.GroupState(name)
		if err != nil || (gs.State == state.GroupOffline && gs.Flags&state.GroupStarting == 0) {
			continue
		}
		if g := cfg.Groups[name]; g != nil && groupFrozen(v, g) {
			c.log.Info("evacuate: group frozen, left online", zap.String("group", name))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.eng.MoveOffline(ctx, name, causeMove); err != nil {
				c.log.Error("evacuate: group not offline", zap.String("group", name), zap.Error(err))
			}
		}()
	}
	wg.Wait()
}
