package arglist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// MaxValues is the VCS limit on ArgListValues, counting every element; the
// same limit `vigil check` enforces.
const MaxValues = model.MaxArgListValues

// Errors of Build.
var (
	ErrTooManyValues = errors.New("ArgListValues exceed 425 values")
	ErrUnknownAttr   = errors.New("unknown attribute")
	ErrUnknownRef    = errors.New("referenced resource does not exist")
)

// Build returns the V50 ArgListValues tuples of r.
func Build(r *model.Resource, cfg *model.Config) ([]string, error) {
	return BuildVersion(V50, r, cfg)
}

// BuildVersion returns the ArgListValues of r in the encoding of version v:
// V50 tuples `<Name> <N> <v1..vN>`, or for V40 the positional values, where
// a scalar is one element and a vector, keylist or association is its count
// followed by its elements (reference §2.2). The 425-value limit counts the
// values only, never names or counts, so it is the same in both encodings.
func BuildVersion(v Version, r *model.Resource, cfg *model.Config) ([]string, error) {
	var out []string
	values := 0
	for _, entry := range r.Type.ArgList() {
		val, err := resolve(r, cfg, entry)
		if err != nil {
			return nil, fmt.Errorf("resource %q: ArgList entry %q: %w", r.Name, entry, err)
		}
		el := val.Elements()
		values += len(el)
		switch {
		case !v.Positional():
			out = append(out, entry, strconv.Itoa(len(el)))
		case val.Dim == model.Scalar:
		case unreferenced(r, entry):
			out = append(out, positionalZero(cfg, entry))
			continue
		default:
			out = append(out, strconv.Itoa(len(el)))
		}
		out = append(out, el...)
	}
	if values > MaxValues {
		return nil, fmt.Errorf("resource %q: %d values: %w", r.Name, values, ErrTooManyValues)
	}
	return out, nil
}

// unreferenced reports whether entry is a Ref:Attr entry whose reference
// attribute names no resource.
func unreferenced(r *model.Resource, entry string) bool {
	ref, _, isRef := strings.Cut(entry, ":")
	return isRef && r.Str(ref) == ""
}

// positionalZero is the one V40 element of a Ref:Attr entry that names no
// resource: "" when Attr is a scalar in every type of cfg declaring it, else
// the count "0". Either way the entry keeps its one position.
func positionalZero(cfg *model.Config, entry string) string {
	_, attr, _ := strings.Cut(entry, ":")
	scalar := false
	if cfg != nil {
		for _, t := range cfg.Types {
			if d, ok := t.Attrs[attr]; ok {
				if d.Dim != model.Scalar {
					return "0"
				}
				scalar = true
			}
		}
	}
	if scalar {
		return ""
	}
	return "0"
}

// resolve returns the value of one ArgList entry, resolving Ref:Attr.
func resolve(r *model.Resource, cfg *model.Config, entry string) (model.Value, error) {
	ref, attr, isRef := strings.Cut(entry, ":")
	if !isRef {
		v, ok := r.Attr(entry)
		if !ok {
			return model.Value{}, ErrUnknownAttr
		}
		return v, nil
	}
	target, ok := r.Attr(ref)
	if !ok {
		return model.Value{}, fmt.Errorf("reference attribute %q: %w", ref, ErrUnknownAttr)
	}
	if target.Scalar == "" {
		return model.Zero(model.Vector), nil // no resource referenced: `Ref:Attr 0`
	}
	var r2 *model.Resource
	if cfg != nil {
		r2 = cfg.Resources[target.Scalar]
	}
	if r2 == nil {
		return model.Value{}, fmt.Errorf("%q: %w", target.Scalar, ErrUnknownRef)
	}
	v, ok := r2.Attr(attr)
	if !ok {
		return model.Value{}, fmt.Errorf("attribute %q of resource %q: %w", attr, r2.Name, ErrUnknownAttr)
	}
	return v, nil
}

// Extra carries the per-call arguments that are not attributes.
type Extra struct {
	CleanReason int      // clean: 0..5 (reference §1.4)
	ResInfoOp   int      // info: 1 or 2
	ActionArgs  []string // action
	ChangedRes  string   // attr_changed
	ChangedAttr string   // attr_changed
	NewValue    model.Value
	MonitorOn   bool // imf_register: start (true) or stop
	StateOnline bool // imf_register: online (true) or offline
}

// ForEP returns the full V50 argv (after the program name) of entry point
// name for resource r; see the package documentation for each form.
func ForEP(name ep.Name, r *model.Resource, cfg *model.Config, x Extra) ([]string, error) {
	return ForEPVersion(V50, name, r, cfg, x)
}

// ForEPVersion returns the argv of entry point name for resource r for an
// agent registered with version v. A V40 argv carries positional values
// (BuildVersion), action arguments as `<n> <a1..an>` and never the
// AEPTimeout tuple; attr_changed, shutdown and the IMF forms do not depend
// on the version.
func ForEPVersion(v Version, name ep.Name, r *model.Resource, cfg *model.Config, x Extra) ([]string, error) {
	switch name {
	case ep.Shutdown:
		return nil, nil
	case ep.IMFInit, ep.IMFGetNotification:
		return []string{r.Type.Name}, nil
	case ep.AttrChanged:
		return append([]string{r.Name, x.ChangedRes, x.ChangedAttr}, x.NewValue.Elements()...), nil
	}
	values, err := BuildVersion(v, r, cfg)
	if err != nil {
		return nil, err
	}
	args := []string{r.Name}
	switch name {
	case ep.Clean:
		args = append(args, strconv.Itoa(x.CleanReason))
	case ep.Info:
		op := x.ResInfoOp
		if op == 0 {
			op = 1
		}
		args = append(args, strconv.Itoa(op))
	case ep.IMFRegister:
		args = append(args, pick(x.MonitorOn, "start", "stop"), pick(x.StateOnline, "online", "offline"))
	}
	args = append(args, values...)
	if name == ep.Action {
		if !v.Positional() {
			args = append(args, "ACTION_ARGS")
		}
		args = append(args, strconv.Itoa(len(x.ActionArgs)))
		args = append(args, x.ActionArgs...)
	}
	if !v.Positional() && r.Int("AEPTimeout") == 1 {
		args = append(args, "AEPTimeout", "1", strconv.Itoa(int(Timeout(name, r)/time.Second)))
	}
	return args, nil
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// timeoutAttr names the timeout attribute of each entry point.
var timeoutAttr = map[ep.Name]string{
	ep.Open: "OpenTimeout", ep.Close: "CloseTimeout", ep.Online: "OnlineTimeout", ep.Offline: "OfflineTimeout",
	ep.Monitor: "MonitorTimeout", ep.Clean: "CleanTimeout", ep.Action: "ActionTimeout", ep.Info: "InfoTimeout",
	ep.AttrChanged: "AttrChangedTimeout", ep.Shutdown: "ShutdownTimeout", ep.IMFInit: "ImfInitTimeout",
	ep.IMFRegister: "ImfRegisterTimeout",
}

// Timeout returns the timeout in force for an entry point of r, resource
// overrides included; ActionTimeout and InfoTimeout are capped at
// MonitorInterval/2 (design.md §3). imf_getnotification has none (0).
func Timeout(name ep.Name, r *model.Resource) time.Duration {
	attr, ok := timeoutAttr[name]
	if !ok {
		return 0
	}
	secs := r.Int(attr)
	if name == ep.Action || name == ep.Info {
		if half := r.Int("MonitorInterval") / 2; half > 0 && secs > half {
			secs = half
		}
	}
	return time.Duration(secs) * time.Second
}
