package cluster

import (
	"context"
	"fmt"

	"github.com/vigil-ha/vigil/framework/model"
)

// FreezeGroup records in the cluster that a failover group is frozen (or
// no longer is): no system acquires it while the key exists, and the
// controllers leave it as it is (doc.go, docs/cluster.md).
func (m *Member) FreezeGroup(ctx context.Context, group string, on bool) error {
	var err error
	if on {
		_, err = m.o.Client.Put(ctx, m.k.gfrozen(group), m.o.System)
	} else {
		_, err = m.o.Client.Delete(ctx, m.k.gfrozen(group))
	}
	if err != nil {
		return fmt.Errorf("freeze group %q in the cluster: %w", group, err)
	}
	return nil
}

// FreezeGroup implements engine.GroupFreezer: the engine froze or
// unfroze a failover group here, and the cluster must know it so that no
// other system starts it.
func (c *Controller) FreezeGroup(ctx context.Context, group string, on bool) error {
	err := c.m.FreezeGroup(ctx, group, on)
	c.poke()
	return err
}

// groupFrozen reports whether the policy leaves group g alone: frozen in
// the cluster (gfrozen/, written by whichever system froze it) or in this
// system's configuration (Frozen, TFrozen).
func groupFrozen(v View, g *model.Group) bool { return v.GFrozen[g.Name] || g.Frozen() }
