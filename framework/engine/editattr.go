package engine

import (
	"errors"
	"fmt"
	"slices"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// EditAttr changes part of a list or association attribute of a resource
// (hares -modify with -add, -update or -delete) or drops a per-resource
// override of a static attribute (op "undo-override", hares
// -undo_override). The new value goes through Modify, so it is checked and
// validated exactly as a full value would be.
//
//	add     keylist: the keys (one present already is an error); vector: appended;
//	        association: key value pairs (a key present already is an error)
//	update  association: key value pairs (every key must be present);
//	        vector: index value pairs
//	delete  keylist, association: the keys named (each must be present), all with none;
//	        vector: every element equal to a value named, all with none
func (e *Engine) EditAttr(res, attr, op string, words []string) error {
	r, err := e.resource(res)
	if err != nil {
		return err
	}
	d, ok := attrDef(r, attr)
	if !ok {
		return errorf(ErrNotFound, "resource %q (type %s) has no attribute %q", res, r.Type.Name, attr)
	}
	if op == "undo-override" {
		return e.undoOverride(r, d, attr, words)
	}
	cur, _ := e.conf(r).Attr(attr)
	what := fmt.Sprintf("modify resource %q: %s -%s", res, attr, op)
	if d.Dim == model.Scalar {
		return errorfWhat(ErrInvalid, what, "%s is a scalar; set it with vigil res modify %s %s VALUE", attr, res, attr)
	}
	var out []string
	switch d.Dim {
	case model.Keylist, model.Vector:
		out, err = editList(d.Dim, slices.Clone(cur.List), op, words)
	case model.Assoc:
		out, err = editAssoc(slices.Clone(cur.Assoc), op, words)
	}
	if err != nil {
		return errorfWhat(ErrInvalid, what, "%v", err)
	}
	return e.Modify(res, attr, out)
}

func editList(dim model.Dimension, list []string, op string, words []string) ([]string, error) {
	switch op {
	case "add":
		for _, w := range words {
			if dim == model.Keylist && slices.Contains(list, w) {
				return nil, fmt.Errorf("key %q is already there", w)
			}
			list = append(list, w)
		}
		return list, nil
	case "update":
		if dim != model.Vector || len(words)%2 != 0 {
			return nil, fmt.Errorf("-update takes index value pairs of a vector")
		}
		for i := 0; i < len(words); i += 2 {
			var k int
			if _, err := fmt.Sscan(words[i], &k); err != nil || k < 0 || k >= len(list) {
				return nil, fmt.Errorf("index %q is not one of 0..%d", words[i], len(list)-1)
			}
			list[k] = words[i+1]
		}
		return list, nil
	case "delete":
		if len(words) == 0 {
			return []string{}, nil
		}
		for _, w := range words {
			if !slices.Contains(list, w) {
				return nil, fmt.Errorf("%q is not there", w)
			}
			list = slices.DeleteFunc(list, func(x string) bool { return x == w })
		}
		return list, nil
	}
	return nil, fmt.Errorf("unknown operation %q (add, update, delete)", op)
}

func editAssoc(kvs []model.KV, op string, words []string) ([]string, error) {
	has := func(k string) int { return slices.IndexFunc(kvs, func(kv model.KV) bool { return kv.Key == k }) }
	switch op {
	case "add", "update":
		if len(words)%2 != 0 {
			return nil, fmt.Errorf("-%s takes key value pairs, got %d words", op, len(words))
		}
		for i := 0; i < len(words); i += 2 {
			k, v := words[i], words[i+1]
			j := has(k)
			switch {
			case op == "add" && j >= 0:
				return nil, fmt.Errorf("key %q is already there (use -update)", k)
			case op == "update" && j < 0:
				return nil, fmt.Errorf("key %q is not there (use -add)", k)
			case j >= 0:
				kvs[j].Value = v
			default:
				kvs = append(kvs, model.KV{Key: k, Value: v})
			}
		}
	case "delete":
		if len(words) == 0 {
			kvs = nil
		}
		for _, k := range words {
			j := has(k)
			if j < 0 {
				return nil, fmt.Errorf("key %q is not there", k)
			}
			kvs = slices.Delete(kvs, j, j+1)
		}
	default:
		return nil, fmt.Errorf("unknown operation %q (add, update, delete)", op)
	}
	out := []string{}
	for _, kv := range kvs {
		out = append(out, kv.Key, kv.Value)
	}
	return out, nil
}

// undoOverride drops resource r's override of static attribute attr: the
// type's value applies again.
func (e *Engine) undoOverride(r *model.Resource, d *model.AttrDef, attr string, words []string) error {
	what := fmt.Sprintf("undo override of %s on resource %q", attr, r.Name)
	if len(words) > 0 {
		return errorfWhat(ErrInvalid, what, "--undo-override takes no value")
	}
	if !d.Static {
		return errorfWhat(ErrInvalid, what, "%s is not a static attribute", attr)
	}
	next, err := e.change(what, func(next *model.Config) error {
		nr := next.Resources[r.Name]
		if _, ok := nr.Overrides[attr]; !ok {
			return errorfWhat(ErrConflict, what, "%s is not overridden", attr)
		}
		delete(nr.Overrides, attr)
		return nil
	})
	if err != nil {
		return err
	}
	nr := next.Resources[r.Name]
	v, _ := nr.Attr(attr)
	return e.attrChanged(r, nr, attr, what, fmt.Sprintf("%s override removed: %v", attr, v.Elements()))
}

// ModifySys sets the value of an attribute of a resource for one system
// only (hares -modify ... -sys SYS, main.cf `Attr@SYS = value`). With no
// words and del, the per-system value is removed and the resource's common
// value applies on SYS again. The value is parsed and the configuration
// validated as for Modify (SYS must be a declared system when main.cf
// declares systems).
func (e *Engine) ModifySys(res, attr, sys string, words []string, del bool) error {
	r, err := e.resource(res)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("modify resource %q: %s@%s", res, attr, sys)
	d, err := modifiable(r, attr)
	if err != nil {
		return err
	}
	if msg := model.NameError(sys, true); msg != "" {
		return errorfWhat(ErrInvalid, what, "the system name %q %s", sys, msg)
	}
	var v model.Value
	if !del {
		if v, err = model.ParseValue(r.Type.Name, d, words); err != nil {
			return errorf(ErrInvalid, "%w", err)
		}
	} else if len(words) > 0 {
		return errorfWhat(ErrInvalid, what, "--delete with --sys removes the per-system value and takes no value")
	}
	next, err := e.change(what, func(next *model.Config) error {
		nr := next.Resources[res]
		cur, had := nr.PerSystem[attr][sys]
		switch {
		case del && !had:
			return errorfWhat(ErrNotFound, what, "there is no value of %s for system %s", attr, sys)
		case !del && had && cur.Equal(v):
			return errUnchanged
		}
		ps := make(map[string]map[string]model.Value, len(nr.PerSystem)+1)
		for a, m := range nr.PerSystem {
			ps[a] = m // maps of other attributes are not written
		}
		m := cloneValues(ps[attr])
		if del {
			delete(m, sys)
		} else {
			m[sys] = v
		}
		ps[attr] = m
		if len(m) == 0 {
			delete(ps, attr)
		}
		nr.PerSystem = ps
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("%s@%s = %v", attr, sys, v.Elements())
	if del {
		detail = fmt.Sprintf("%s@%s removed", attr, sys)
	}
	if sys != e.o.System { // resolves only on SYS: nothing changes here
		e.publish(events.Event{Kind: events.KindAttr, Resource: res, Type: r.Type.Name, Group: groupName(r),
			Cause: "admin", Detail: detail})
		return nil
	}
	return e.attrChanged(r, next.Resources[res], attr, what, detail)
}
