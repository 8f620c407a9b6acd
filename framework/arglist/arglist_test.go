package arglist_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

func webType(argList ...string) *model.Type {
	t := &model.Type{Name: "Web", Attrs: map[string]*model.AttrDef{}, Statics: map[string]model.Value{}}
	for _, d := range []model.AttrDef{
		{Name: "Port", Kind: model.Int, Dim: model.Scalar}, {Name: "Root", Dim: model.Scalar},
		{Name: "Ifs", Dim: model.Vector}, {Name: "Nodes", Dim: model.Keylist}, {Name: "Env", Dim: model.Assoc},
		{Name: "Peer", Dim: model.Scalar}, {Name: "Big", Dim: model.Vector},
	} {
		d.Default = model.Zero(d.Dim)
		t.Attrs[d.Name] = &d
	}
	t.Statics["ArgList"] = model.ListValue(model.Vector, argList...)
	return t
}

// TestBuild checks the V50 tuples of the reference's worked example and the
// edge cases (empty values, Ref:Attr, unknown names, the 425-value limit).
func TestBuild(t *testing.T) {
	big := make([]string, 426)
	for i := range big {
		big[i] = strconv.Itoa(i)
	}
	tests := []struct {
		name    string
		argList []string
		values  map[string]model.Value
		want    []string
		err     error
	}{
		{"worked example", []string{"Port", "Root", "Ifs", "Env"}, map[string]model.Value{
			"Port": model.IntValue(8080), "Root": model.ScalarValue("/srv"),
			"Ifs": model.ListValue(model.Vector, "eth0", "eth1"), "Env": model.AssocValue(model.KV{Key: "A", Value: "1"})},
			[]string{"Port", "1", "8080", "Root", "1", "/srv", "Ifs", "2", "eth0", "eth1", "Env", "2", "A", "1"}, nil},
		{"empty values", []string{"Root", "Ifs", "Nodes", "Env"}, nil,
			[]string{"Root", "1", "", "Ifs", "0", "Nodes", "0", "Env", "0"}, nil},
		{"static attribute", []string{"MonitorInterval"}, nil, []string{"MonitorInterval", "1", "60"}, nil},
		{"Ref:Attr", []string{"Peer:Root"}, map[string]model.Value{"Peer": model.ScalarValue("other")},
			[]string{"Peer:Root", "1", "/other root"}, nil},
		{"Ref:Attr with no reference", []string{"Peer:Root"}, nil, []string{"Peer:Root", "0"}, nil},
		{"Ref:Attr to a missing resource", []string{"Peer:Root"}, map[string]model.Value{"Peer": model.ScalarValue("ghost")},
			nil, arglist.ErrUnknownRef},
		{"unknown attribute", []string{"Nope"}, nil, nil, arglist.ErrUnknownAttr},
		{"over 425 values", []string{"Big"}, map[string]model.Value{"Big": model.ListValue(model.Vector, big...)},
			nil, arglist.ErrTooManyValues},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ := webType(tc.argList...)
			r := &model.Resource{Name: "w1", Type: typ, Values: tc.values}
			other := &model.Resource{Name: "other", Type: typ, Values: map[string]model.Value{"Root": model.ScalarValue("/other root")}}
			cfg := &model.Config{Resources: map[string]*model.Resource{"w1": r, "other": other}}
			got, err := arglist.Build(r, cfg)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err == nil && !equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTimeout checks the timeout attribute per entry point, overrides and
// the MonitorInterval/2 cap of action and info.
func TestTimeout(t *testing.T) {
	typ := webType()
	r := &model.Resource{Name: "w1", Type: typ, Overrides: map[string]model.Value{
		"OnlineTimeout": model.IntValue(7), "MonitorInterval": model.IntValue(20)}}
	for n, want := range map[ep.Name]time.Duration{
		ep.Online: 7 * time.Second, ep.Offline: 300 * time.Second, ep.Monitor: 60 * time.Second,
		ep.Action: 10 * time.Second, ep.Info: 10 * time.Second, ep.Clean: 60 * time.Second,
		ep.IMFGetNotification: 0,
	} {
		if got := arglist.Timeout(n, r); got != want {
			t.Errorf("Timeout(%s) = %v, want %v", n, got, want)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
