package engine

import (
	"errors"
	"fmt"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// Modify sets an attribute of a resource: the value is parsed against the
// type, the resulting configuration goes through change (the validation of
// `vigil check`, then main.cf written atomically, then published), and then
// the agent is told (attr_changed, IMF re-registration). A bad value, a
// configuration check would refuse, or a failed write changes nothing.
//
// main.cf is written before the snapshot is published, without holding
// e.mu, so a slow disk delays only other modifications, never agent events.
func (e *Engine) Modify(res, attr string, words []string) error {
	r, err := e.resource(res)
	if err != nil {
		return err
	}
	d, err := modifiable(r, attr)
	if err != nil {
		return err
	}
	v, err := model.ParseValue(r.Type.Name, d, words)
	if err != nil {
		return errorf(ErrInvalid, "%w", err)
	}
	var old model.Value
	what := fmt.Sprintf("modify resource %q", res)
	next, err := e.change(what, func(next *model.Config) error {
		nr := next.Resources[res]
		old, _ = nr.Attr(attr)
		if old.Equal(v) {
			return errUnchanged
		}
		if d.Static {
			nr.Overrides = withValue(nr.Overrides, attr, v)
		} else {
			nr.Values = withValue(nr.Values, attr, v)
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return err
	}
	return e.attrChanged(r, next.Resources[res], attr, what,
		fmt.Sprintf("%s = %v (was %v)", attr, v.Elements(), old.Elements()))
}

// modifiable returns the definition of attribute attr of r, refusing an
// unknown or a temporary attribute.
func modifiable(r *model.Resource, attr string) (*model.AttrDef, error) {
	d, ok := attrDef(r, attr)
	if !ok {
		return nil, errorf(ErrNotFound, "resource %q (type %s) has no attribute %q", r.Name, r.Type.Name, attr)
	}
	if d.Temp {
		return nil, errorf(ErrInvalid, "attribute %s of type %s is temporary and cannot be modified", attr, r.Type.Name)
	}
	return d, nil
}

// attrChanged follows a saved change of attribute attr of r (nr is r in
// the published snapshot): it publishes attr-changed with detail, tells the
// agent (attr_changed, IMF re-registration) and re-reads r into its group's
// tally. An agent that refuses the change is reported under what; the
// configuration stays saved.
func (e *Engine) attrChanged(r, nr *model.Resource, attr, what, detail string) error {
	e.mu.Lock()
	a := e.agents[r.Type.Name]
	e.mu.Unlock()
	e.publish(events.Event{Kind: events.KindAttr, Resource: r.Name, Type: r.Type.Name, Group: groupName(r),
		Cause: "admin", Detail: detail})
	var uerr error
	if a != nil {
		uerr = a.Update(nr, []string{attr})
	}
	e.refreshResource(r, "admin")
	if uerr != nil {
		return errorf(ErrFailed, "%s: configuration saved but the agent refused the change: %w", what, uerr)
	}
	return nil
}

// withValue returns m, a clone's own map, with k set to v; a nil map is
// made.
func withValue(m map[string]model.Value, k string, v model.Value) map[string]model.Value {
	if m == nil {
		m = map[string]model.Value{}
	}
	m[k] = v
	return m
}
