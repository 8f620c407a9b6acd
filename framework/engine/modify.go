package engine

import (
	"fmt"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// Modify sets an attribute of a resource: it validates the value against
// the type, writes main.cf atomically and then tells the agent (attr_changed,
// IMF re-registration). A bad value or a failed write changes nothing.
//
// The new configuration is a clone of the snapshot in force; main.cf is
// written from it before it is published, without holding e.mu, so a slow
// disk delays only other modifications, never agent events.
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
		return errorf(ErrInvalid, "%w", err)
	}
	e.modifyMu.Lock()
	cur := e.snap.Load()
	old, _ := cur.Resources[res].Attr(attr)
	if old.Equal(v) {
		e.modifyMu.Unlock()
		return nil
	}
	next := cur.Clone()
	nr := next.Resources[res]
	if d.Static {
		if nr.Overrides == nil {
			nr.Overrides = map[string]model.Value{}
		}
		nr.Overrides[attr] = v
	} else {
		if nr.Values == nil {
			nr.Values = map[string]model.Value{}
		}
		nr.Values[attr] = v
	}
	if e.o.Dump != nil {
		if err := e.o.Dump(next, next.Dir); err != nil {
			e.modifyMu.Unlock()
			return fmt.Errorf("modify resource %q: write configuration: %w", res, err)
		}
	}
	e.snap.Store(next) // readers see the value once it is saved
	e.modifyMu.Unlock()
	e.mu.Lock()
	a := e.agents[r.Type.Name]
	e.mu.Unlock()
	e.publish(events.Event{Kind: events.KindAttr, Resource: res, Type: r.Type.Name, Group: groupName(r),
		Cause: "admin", Detail: fmt.Sprintf("%s = %v (was %v)", attr, v.Elements(), old.Elements())})
	var uerr error
	if a != nil {
		uerr = a.Update(nr, []string{attr})
	}
	e.refreshResource(r, "admin")
	if uerr != nil {
		return errorf(ErrFailed, "modify resource %q: configuration saved but the agent refused the change: %w", res, uerr)
	}
	return nil
}
