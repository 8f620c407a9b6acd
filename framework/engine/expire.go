package engine

import (
	"context"
	"fmt"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// OfflineExpirer is the optional agent behaviour behind ForceOffline: the
// engine's deadline for taking a resource offline has passed, clean it now
// (agent.Agent.ExpireOffline). An agent without it is only waited for.
type OfflineExpirer interface {
	ExpireOffline(name string) error
}

var _ OfflineExpirer = (*agent.Agent)(nil)

// ForceOffline ends a failover group's offline at a deadline that has
// passed (a fencing system: docs/cluster.md): it supersedes the group's
// running operation and asks the agent of every enabled OnOff resource not
// yet OFFLINE to expire its offline, which the state machine turns into a
// clean by its own rules (as if OfflineTimeout had run out); then it waits
// for every such resource to be OFFLINE (or FAULTED) or ctx, and releases
// the group with cause.
func (e *Engine) ForceOffline(ctx context.Context, name, cause string) error {
	g, err := e.group(name)
	if err != nil {
		return err
	}
	e.publish(events.Event{Kind: events.KindEngine, Group: name, Cause: cause,
		Detail: fmt.Sprintf("offline deadline of group %q passed on system %q: cleaning what is not offline", name, e.o.System)})
	op := e.startGroupOp(name, "offline", errorf(ErrConflict, "superseded by the forced offline of group %q", name),
		func(ctx context.Context) error {
			if err := e.expireResources(ctx, g); err != nil {
				return err
			}
			e.released(g, cause)
			return nil
		})
	if err := op.wait(ctx); err != nil {
		return fmt.Errorf("forced offline of group %q (%s): %w", name, cause, err)
	}
	return nil
}

// expireResources expires the offline of g's resources that are not down
// and waits until they are. A resource is asked again when its state
// changed since it was last asked (an offline that returned meanwhile,
// a clean that failed).
func (e *Engine) expireResources(ctx context.Context, g *model.Group) error {
	asked := map[string]state.ResourceState{}
	for {
		ch := e.changes()
		done := true
		for _, r := range g.Resources {
			c := e.conf(r)
			st, _ := e.status(r)
			s := st.State.State
			if !c.enabled() || c.operations() != opsOnOff || (s != state.Online && st.State.Flags&movingFlags == 0) {
				continue
			}
			done = false
			if last, ok := asked[r.Name]; ok && last == st.State {
				continue
			}
			asked[r.Name] = st.State
			a, err := e.agentOf(r)
			if err != nil {
				continue
			}
			if x, ok := a.(OfflineExpirer); ok {
				if err := x.ExpireOffline(r.Name); err != nil {
					e.publish(events.Event{Kind: events.KindInfo, Resource: r.Name, Type: r.Type.Name, Group: g.Name,
						Cause: "fence", Detail: err.Error()})
				}
			}
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-ch:
		}
	}
}
