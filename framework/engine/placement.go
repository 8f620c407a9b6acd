package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// Placement decides where failover groups may be online: the cluster
// (framework/cluster) implements it. Nil, the default, is the single-node
// engine: every group configured on this system may go online here, and
// AutoStart and the intent file decide as they always have.
//
// With a Placement, a failover group (one that is not Parallel) goes online
// here only after Acquire succeeded, and the engine's own AutoStart leaves
// failover groups to the placement's controller; Parallel groups behave as
// without one (online on every system of their SystemList).
type Placement interface {
	// Acquire makes this system the owner of a failover group before it
	// goes online; an error (another system owns it, no valid lease)
	// refuses the online.
	Acquire(ctx context.Context, group string) error
	// Released tells that a failover group this system owned is now
	// offline here; cause is one of the Release* constants.
	Released(group, cause string)
	// Owner returns the system a failover group is online on, "" if none.
	Owner(group string) string
}

// GroupFreezer is optional Placement behaviour: the cluster records that a
// failover group was frozen or unfrozen on this system, so that no system
// starts, moves or fails it over meanwhile (docs/cluster.md). An error
// refuses the freeze or unfreeze.
type GroupFreezer interface {
	FreezeGroup(ctx context.Context, group string, on bool) error
}

// freezePlaced tells the Placement, if it records freezes, that failover
// group g is frozen or unfrozen.
func (e *Engine) freezePlaced(g *model.Group, on bool) error {
	f, ok := e.o.Placement.(GroupFreezer)
	if !e.placed(g) || !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), freezeTimeout)
	defer cancel()
	return f.FreezeGroup(ctx, g.Name, on)
}

// freezeTimeout bounds the cluster's record of a freeze.
const freezeTimeout = 10 * time.Second

// Causes handed to Placement.Released.
const (
	ReleaseAdmin = "admin" // an administrator took the group offline
	ReleaseFault = "fault" // the group faulted here
	ReleaseMove  = "move"  // switch, evacuation, concurrency violation
	ReleaseFence = "fence" // this system lost its lease
)

// placed reports whether group g's placement is the Placement's.
func (e *Engine) placed(g *model.Group) bool { return e.o.Placement != nil && !g.Parallel() }

// acquire asks the Placement for ownership of a failover group.
func (e *Engine) acquire(ctx context.Context, g *model.Group) error {
	if !e.placed(g) {
		return nil
	}
	if err := e.o.Placement.Acquire(ctx, g.Name); err != nil {
		return errorf(ErrConflict, "group %q may not go online on system %q: %w", g.Name, e.o.System, err)
	}
	return nil
}

// acquireFor makes this system the owner of r's failover group before r
// goes online alone (vigil res online): refused, with the system named,
// while another system owns the group; acquired when nobody does, as a
// group online does.
func (e *Engine) acquireFor(ctx context.Context, r *model.Resource) error {
	g := r.Group
	if g == nil || !e.placed(g) {
		return nil
	}
	if owner := e.o.Placement.Owner(g.Name); owner != "" && owner != e.o.System {
		return errorf(ErrConflict, "resource %q may not go online on system %q: its group %q is online on system %q (vigil grp switch %s --to %s)",
			r.Name, e.o.System, g.Name, owner, g.Name, e.o.System)
	}
	if err := e.o.Placement.Acquire(ctx, g.Name); err != nil {
		return errorf(ErrConflict, "resource %q may not go online on system %q: group %q: %w", r.Name, e.o.System, g.Name, err)
	}
	return nil
}

// released tells the Placement that a failover group is offline here.
func (e *Engine) released(g *model.Group, cause string) {
	if e.placed(g) {
		e.o.Placement.Released(g.Name, cause)
	}
}

// remoteGroupOnline reports, for a group dependency with location global
// or remote, whether the child group is online where the location asks.
// Without a Placement, or for a Parallel child, it cannot know and reports
// true (the dependency is not enforced, as before clusters).
func (e *Engine) remoteGroupOnline(child *model.Group, location string) bool {
	if !e.placed(child) {
		return true
	}
	owner := e.o.Placement.Owner(child.Name)
	switch location {
	case "global":
		return owner != ""
	case "remote":
		return owner != "" && owner != e.o.System
	}
	return true
}

// FailoverGroups returns the names of the groups configured on this system
// whose placement is the Placement's, in configuration order.
func (e *Engine) FailoverGroups() []string {
	var out []string
	for _, n := range e.topo().GroupNames() {
		if g := e.topo().Groups[n]; e.onSystem(g) && e.placed(g) {
			out = append(out, n)
		}
	}
	return out
}

// GroupState returns a group's state on this system as its resources show
// it now.
func (e *Engine) GroupState(name string) (state.GroupState, error) {
	g, err := e.group(name)
	if err != nil {
		return state.GroupState{}, err
	}
	return e.groupState(g), nil
}

// MoveOffline takes a failover group offline on this system without
// changing what the cluster wants of it, then releases it with cause
// (ReleaseMove for a switch or evacuation, ReleaseFence when the lease is
// lost). The group's dependents are not checked: the cluster moves them
// too. It waits for the group to be offline or ctx.
func (e *Engine) MoveOffline(ctx context.Context, name, cause string) error {
	g, err := e.group(name)
	if err != nil {
		return err
	}
	e.publish(events.Event{Kind: events.KindEngine, Group: name, Cause: cause,
		Detail: fmt.Sprintf("taking group %q offline on system %q (%s)", name, e.o.System, cause)})
	op := e.startGroupOp(name, "offline", errorf(ErrConflict, "superseded by the cluster taking group %q offline", name),
		func(ctx context.Context) error {
			if err := e.offlineResources(ctx, g.Resources, cause); err != nil {
				return err
			}
			e.released(g, cause)
			return nil
		})
	if err := op.wait(ctx); err != nil {
		return fmt.Errorf("offline group %q (%s): %w", name, cause, err)
	}
	return nil
}

// remoteOnlineAt returns the system a failover group is online on as the
// Placement knows it, "" when none or when it cannot know (no Placement, a
// Parallel group).
func (e *Engine) remoteOnlineAt(g *model.Group) string {
	if g == nil || !e.placed(g) {
		return ""
	}
	return e.o.Placement.Owner(g.Name)
}
