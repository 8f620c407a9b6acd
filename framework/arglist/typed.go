package arglist

import (
	"fmt"
	"strings"

	"github.com/vigil-ha/vigil/framework/model"
)

// Typed is one ArgList entry with its value type: what a Go agent receives
// where a script receives the tuple `<Name> <N> <v1..vN>`.
type Typed struct {
	Name  string // the ArgList entry: an attribute name or Ref:Attr
	Kind  model.Kind
	Value model.Value
}

// BuildTyped returns r's ArgList entries, resolved by the same rules as
// Build (Ref:Attr in cfg, the 425-value limit), with their value types. A
// Ref:Attr entry whose reference names no resource is an empty vector of
// str, as its tuple `Ref:Attr 0` is.
func BuildTyped(r *model.Resource, cfg *model.Config) ([]Typed, error) {
	var out []Typed
	values := 0
	for _, entry := range r.Type.ArgList() {
		val, err := resolve(r, cfg, entry)
		if err != nil {
			return nil, fmt.Errorf("resource %q: ArgList entry %q: %w", r.Name, entry, err)
		}
		values += len(val.Elements())
		out = append(out, Typed{Name: entry, Kind: kindOf(r, cfg, entry), Value: val})
	}
	if values > MaxValues {
		return nil, fmt.Errorf("resource %q: %d values: %w", r.Name, values, ErrTooManyValues)
	}
	return out, nil
}

// kindOf returns the declared value type of an ArgList entry (str when it
// cannot be found, which validation has already ruled out).
func kindOf(r *model.Resource, cfg *model.Config, entry string) model.Kind {
	ref, attr, isRef := strings.Cut(entry, ":")
	t := r.Type
	if isRef {
		if cfg == nil || cfg.Resources[r.Str(ref)] == nil {
			return model.Str
		}
		t = cfg.Resources[r.Str(ref)].Type
	} else {
		attr = entry
	}
	if d, ok := t.Attr(attr); ok {
		return d.Kind
	}
	if d, ok := model.ResourceCatalogue[attr]; ok {
		return d.Kind
	}
	return model.Str
}
