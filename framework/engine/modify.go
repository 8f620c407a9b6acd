package engine

import (
	"fmt"
	"strconv"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// ParseValue turns command-line words into a value of an attribute
// definition: one word for a scalar, any number for a vector or keylist, and
// key value pairs for an association. Integers and booleans are checked.
func ParseValue(typeName string, d *model.AttrDef, words []string) (model.Value, error) {
	check := func(w string) error {
		switch d.Kind {
		case model.Int:
			if _, err := strconv.Atoi(w); err != nil {
				return errorf(ErrInvalid, "attribute %s of type %s expects int, got %q", d.Name, typeName, w)
			}
		case model.Boolean:
			if w != "0" && w != "1" {
				return errorf(ErrInvalid, "attribute %s of type %s expects boolean (0 or 1), got %q", d.Name, typeName, w)
			}
		}
		return nil
	}
	switch d.Dim {
	case model.Scalar:
		if len(words) != 1 {
			return model.Value{}, errorf(ErrInvalid, "attribute %s of type %s is a scalar and takes one value, got %d",
				d.Name, typeName, len(words))
		}
		if err := check(words[0]); err != nil {
			return model.Value{}, err
		}
		return model.ScalarValue(words[0]), nil
	case model.Vector, model.Keylist:
		seen := map[string]bool{}
		for _, w := range words {
			if err := check(w); err != nil {
				return model.Value{}, err
			}
			if d.Dim == model.Keylist && seen[w] {
				return model.Value{}, errorf(ErrInvalid, "attribute %s of type %s is a keylist; %q appears twice",
					d.Name, typeName, w)
			}
			seen[w] = true
		}
		return model.ListValue(d.Dim, append([]string{}, words...)...), nil
	default:
		if len(words)%2 != 0 {
			return model.Value{}, errorf(ErrInvalid, "attribute %s of type %s is an association and takes key value pairs, got %d word(s)",
				d.Name, typeName, len(words))
		}
		var kvs []model.KV
		seen := map[string]bool{}
		for i := 0; i < len(words); i += 2 {
			if seen[words[i]] {
				return model.Value{}, errorf(ErrInvalid, "attribute %s of type %s: key %q appears twice",
					d.Name, typeName, words[i])
			}
			seen[words[i]] = true
			if err := check(words[i+1]); err != nil {
				return model.Value{}, err
			}
			kvs = append(kvs, model.KV{Key: words[i], Value: words[i+1]})
		}
		return model.AssocValue(kvs...), nil
	}
}

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
	v, err := ParseValue(r.Type.Name, d, words)
	if err != nil {
		return err
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
