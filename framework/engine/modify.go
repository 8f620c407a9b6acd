package engine

import (
	"fmt"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// Modify sets an attribute of a resource: it validates the value against
// the type, writes main.cf atomically and then tells the agent (attr_changed,
// IMF re-registration). A bad value or a failed write changes nothing.
func (e *Engine) Modify(res, attr string, words []string) error {
	r, err := e.resource(res)
	if err != nil {
		return err
	}
	d, ok := attrDef(r, attr)
	if !ok {
		return errorf(ErrNotFound, "resource %q (type %s) has no attribute %q", res, r.Type.Name, attr)
	}
	if d.Temp {
		return errorf(ErrInvalid, "attribute %s of type %s is temporary and cannot be modified", attr, r.Type.Name)
	}
	v, err := model.ParseValue(r.Type.Name, d, words)
	if err != nil {
		return errorf(ErrInvalid, "%w", err) // wraps model.ErrBadValue too; the text is the model's
	}
	e.mu.Lock() // serialises modifications and writes of the configuration
	cur := e.conf(r)
	old, _ := cur.Attr(attr)
	if old.Equal(v) {
		e.mu.Unlock()
		return nil
	}
	next := cur.with(attr, v, d.Static)
	r.Values, r.Overrides = next.Values, next.Overrides // what Dump prints; read under e.mu only
	if e.o.Dump != nil {
		if err := e.o.Dump(e.cfg, e.cfg.Dir); err != nil {
			r.Values, r.Overrides = cur.Values, cur.Overrides
			e.mu.Unlock()
			return fmt.Errorf("modify resource %q: write configuration: %w", res, err)
		}
	}
	e.confs[r.Name].Store(next.Resource) // readers see the value once it is saved
	a := e.agents[r.Type.Name]
	snap := snapshot(next.Resource)
	e.mu.Unlock()
	e.publish(events.Event{Kind: events.KindAttr, Resource: res, Type: r.Type.Name, Group: groupName(r),
		Cause: "admin", Detail: fmt.Sprintf("%s = %v (was %v)", attr, v.Elements(), old.Elements())})
	var uerr error
	if a != nil {
		uerr = a.Update(snap, []string{attr})
	}
	e.refreshResource(r, "admin")
	if uerr != nil {
		return errorf(ErrFailed, "modify resource %q: configuration saved but the agent refused the change: %w", res, uerr)
	}
	return nil
}
