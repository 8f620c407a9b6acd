package inproc

import (
	"errors"
	"fmt"
	"strconv"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// ErrNoResource is wrapped when a request names a resource the snapshot
// does not hold.
var ErrNoResource = errors.New("resource not in the configuration snapshot")

// NewCall turns a request into the typed call an sdk agent receives: the
// resource's ArgList attributes built from req.Snapshot (the snapshot the
// request was built in) by arglist.BuildTyped, or, for a request built by
// hand without one, decoded from its V50 tuples with t's declarations; and
// the entry point's own arguments (clean reason, info op, action token and
// arguments, attr_changed change) read from the argv. log is the type's
// agent log.
func NewCall(req ep.Request, t *model.Type, log *zap.Logger) (sdk.Call, error) {
	r := &sdk.Resource{Name: req.Resource, Type: req.Type}
	r.Log = log.With(zap.String(agentlog.FieldEP, string(req.EP)))
	if req.Resource != "" {
		r.Log = r.Log.With(zap.String(agentlog.FieldResource, req.Resource))
	}
	c := sdk.Call{EP: sdk.EntryPoint(req.EP), Resource: r, Token: req.Action}
	if req.Resource == "" || req.EP == ep.Shutdown {
		return c, nil
	}
	if req.EP != ep.AttrChanged {
		var err error
		if r.Attrs, err = attrsOf(req, t); err != nil {
			return c, err
		}
	} else if req.Snapshot != nil && req.Snapshot.Resources[req.Resource] != nil {
		typed, err := arglist.BuildTyped(req.Snapshot.Resources[req.Resource], req.Snapshot)
		if err != nil {
			return c, err
		}
		r.Attrs = Attrs(typed)
	}
	return c, extras(&c, req)
}

// attrsOf returns the typed attributes of the request's resource.
func attrsOf(req ep.Request, t *model.Type) (sdk.Attrs, error) {
	if cfg := req.Snapshot; cfg != nil {
		res := cfg.Resources[req.Resource]
		if res == nil {
			return nil, fmt.Errorf("%s of %q: %w", req.EP, req.Resource, ErrNoResource)
		}
		typed, err := arglist.BuildTyped(res, cfg)
		if err != nil {
			return nil, err
		}
		return Attrs(typed), nil
	}
	return decode(req, t)
}

// decode reads the V50 tuples after the resource name (and, for clean
// and info, its number) into attributes typed by t's declarations; a
// Ref:Attr entry, whose declaration is another type's, is a str scalar
// when it has one value and a str vector otherwise.
func decode(req ep.Request, t *model.Type) (sdk.Attrs, error) {
	a := req.Args
	i := 1
	switch req.EP {
	case ep.Clean, ep.Info:
		i = 2
	case ep.IMFRegister:
		i = 3 // <res> start|stop online|offline
	}
	var out sdk.Attrs
	for ; i+1 < len(a) && len(out) < len(t.ArgList()); i += 2 {
		n, err := strconv.Atoi(a[i+1])
		if err != nil || n < 0 || i+2+n > len(a) {
			return nil, fmt.Errorf("%s of %q: tuple %q at argv %d is malformed", req.EP, req.Resource, a[i], i)
		}
		vals := a[i+2 : i+2+n]
		at := sdk.Attr{Name: a[i], Dim: sdk.Vector, List: vals}
		if d, ok := t.Attr(a[i]); ok {
			at.Kind, at.Dim = sdk.Kind(d.Kind), sdk.Dim(d.Dim)
		} else if n == 1 {
			at.Dim = sdk.Scalar
		}
		switch at.Dim {
		case sdk.Scalar:
			at.List = nil
			if n > 0 {
				at.Scalar = vals[0]
			}
		case sdk.Assoc:
			at.List = nil
			for k := 0; k+1 < n; k += 2 {
				at.Assoc = append(at.Assoc, sdk.KV{Key: vals[k], Value: vals[k+1]})
			}
		}
		out = append(out, at)
		i += n
	}
	return out, nil
}

// Attrs converts typed ArgList values into the SDK's attributes.
func Attrs(typed []arglist.Typed) sdk.Attrs {
	out := make(sdk.Attrs, 0, len(typed))
	for _, t := range typed {
		a := sdk.Attr{Name: t.Name, Kind: sdk.Kind(t.Kind), Dim: sdk.Dim(t.Value.Dim), Scalar: t.Value.Scalar,
			List: t.Value.List}
		for _, kv := range t.Value.Assoc {
			a.Assoc = append(a.Assoc, sdk.KV{Key: kv.Key, Value: kv.Value})
		}
		out = append(out, a)
	}
	return out
}

// extras reads the entry point's own arguments from the V50 argv:
// `<res> <reason>` for clean, `<res> <op>` for info, the ACTION_ARGS tuple
// for action, `<res> <changed res> <attr> <values...>` for attr_changed,
// `<res> start|stop online|offline` for imf_register.
func extras(c *sdk.Call, req ep.Request) error {
	a := req.Args
	num := func(what string) (int, error) {
		if len(a) < 2 {
			return 0, fmt.Errorf("%s of %q: argv has no %s", req.EP, req.Resource, what)
		}
		n, err := strconv.Atoi(a[1])
		if err != nil {
			return 0, fmt.Errorf("%s of %q: %s %q: %w", req.EP, req.Resource, what, a[1], err)
		}
		return n, nil
	}
	var err error
	switch req.EP {
	case ep.Clean:
		var n int
		n, err = num("clean reason")
		c.CleanReason = sdk.CleanReason(n)
	case ep.Info:
		var n int
		n, err = num("info op")
		c.InfoOp = sdk.InfoOp(n)
	case ep.Action:
		c.Args, err = actionArgs(a)
	case ep.IMFRegister:
		if len(a) < 3 || (a[1] != "start" && a[1] != "stop") || (a[2] != "online" && a[2] != "offline") {
			return fmt.Errorf("imf_register of %q: argv %q: want <res> start|stop online|offline", req.Resource, a)
		}
		c.IMFOn, c.IMFOnline = a[1] == "start", a[2] == "online"
	case ep.AttrChanged:
		if len(a) < 3 {
			return fmt.Errorf("attr_changed of %q: argv %q is short", req.Resource, a)
		}
		c.Change = sdk.AttrChange{Resource: a[1], Attr: a[2], Value: a[3:]}
	}
	return err
}

// actionArgs walks the V50 tuples after the resource name up to the
// ACTION_ARGS tuple and returns its values.
func actionArgs(a []string) ([]string, error) {
	for i := 1; i+1 < len(a); {
		n, err := strconv.Atoi(a[i+1])
		if err != nil || n < 0 || i+2+n > len(a) {
			return nil, fmt.Errorf("action argv: tuple %q at %d is malformed", a[i], i)
		}
		if a[i] == "ACTION_ARGS" {
			return a[i+2 : i+2+n], nil
		}
		i += 2 + n
	}
	return nil, nil
}
