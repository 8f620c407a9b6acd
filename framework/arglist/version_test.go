package arglist_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// TestBuildV40 checks the positional encoding: the reference's worked
// example, empty values, Ref:Attr, and that the 425-value limit counts
// values, not the counts V40 adds.
func TestBuildV40(t *testing.T) {
	list := func(n int) model.Value {
		v := make([]string, n)
		for i := range v {
			v[i] = strconv.Itoa(i)
		}
		return model.ListValue(model.Vector, v...)
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
			[]string{"8080", "/srv", "2", "eth0", "eth1", "2", "A", "1"}, nil},
		{"empty values", []string{"Root", "Ifs", "Nodes", "Env"}, nil, []string{"", "0", "0", "0"}, nil},
		{"keylist", []string{"Nodes", "Port"}, map[string]model.Value{
			"Nodes": model.ListValue(model.Keylist, "n1", "n2", "n3"), "Port": model.IntValue(1)},
			[]string{"3", "n1", "n2", "n3", "1"}, nil},
		{"values that look like counts", []string{"Ifs", "Root"}, map[string]model.Value{
			"Ifs": model.ListValue(model.Vector, "2", ""), "Root": model.ScalarValue("3")},
			[]string{"2", "2", "", "3"}, nil},
		{"static attribute", []string{"MonitorInterval"}, nil, []string{"60"}, nil},
		{"Ref:Attr scalar", []string{"Peer:Root"}, map[string]model.Value{"Peer": model.ScalarValue("other")},
			[]string{"/other root"}, nil},
		{"Ref:Attr vector", []string{"Peer:Ifs", "Port"}, map[string]model.Value{"Peer": model.ScalarValue("other")},
			[]string{"1", "lo", ""}, nil},
		{"Ref:Attr scalar with no reference", []string{"Peer:Root", "Port"}, nil, []string{"", ""}, nil},
		{"Ref:Attr vector with no reference", []string{"Peer:Ifs", "Port"}, nil, []string{"0", ""}, nil},
		{"Ref:Attr to a missing resource", []string{"Peer:Root"}, map[string]model.Value{"Peer": model.ScalarValue("ghost")},
			nil, arglist.ErrUnknownRef},
		{"unknown attribute", []string{"Nope"}, nil, nil, arglist.ErrUnknownAttr},
		{"425 values in 426 elements", []string{"Big", "Port"}, map[string]model.Value{"Big": list(424)},
			append(append([]string{"424"}, list(424).List...), ""), nil},
		{"426 values", []string{"Big", "Port"}, map[string]model.Value{"Big": list(425)}, nil, arglist.ErrTooManyValues},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			typ := webType(tc.argList...)
			r := &model.Resource{Name: "w1", Type: typ, Values: tc.values}
			other := &model.Resource{Name: "other", Type: typ, Values: map[string]model.Value{
				"Root": model.ScalarValue("/other root"), "Ifs": model.ListValue(model.Vector, "lo")}}
			cfg := &model.Config{Types: map[string]*model.Type{"Web": typ},
				Resources: map[string]*model.Resource{"w1": r, "other": other}}
			got, err := arglist.BuildVersion(arglist.V40, r, cfg)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err == nil && !equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			// V50 agrees on whether the configuration is acceptable.
			if _, err50 := arglist.Build(r, cfg); !errors.Is(err50, tc.err) {
				t.Errorf("V50 err %v, want %v", err50, tc.err)
			}
		})
	}
}

// TestForEPVersion checks the argv of every entry point per version, with
// AEPTimeout=1 on the type (a V40 argv never carries it).
func TestForEPVersion(t *testing.T) {
	typ := webType("Port", "Ifs")
	typ.Statics["AEPTimeout"] = model.IntValue(1)
	r := &model.Resource{Name: "w1", Type: typ, Values: map[string]model.Value{
		"Port": model.IntValue(80), "Ifs": model.ListValue(model.Vector, "eth0")}}
	cfg := &model.Config{Resources: map[string]*model.Resource{"w1": r}}
	x := arglist.Extra{CleanReason: 3, ResInfoOp: 2, ActionArgs: []string{"a", "b c"}, ChangedRes: "w2",
		ChangedAttr: "Ifs", NewValue: model.ListValue(model.Vector, "x", "y"), MonitorOn: true}
	tests := []struct {
		v    arglist.Version
		ep   ep.Name
		want []string
	}{
		{arglist.V40, ep.Monitor, []string{"w1", "80", "1", "eth0"}},
		{arglist.V40, ep.Online, []string{"w1", "80", "1", "eth0"}},
		{arglist.V40, ep.Offline, []string{"w1", "80", "1", "eth0"}},
		{arglist.V40, ep.Open, []string{"w1", "80", "1", "eth0"}},
		{arglist.V40, ep.Close, []string{"w1", "80", "1", "eth0"}},
		{arglist.V40, ep.Clean, []string{"w1", "3", "80", "1", "eth0"}},
		{arglist.V40, ep.Info, []string{"w1", "2", "80", "1", "eth0"}},
		{arglist.V40, ep.Action, []string{"w1", "80", "1", "eth0", "2", "a", "b c"}},
		{arglist.V40, ep.IMFRegister, []string{"w1", "start", "offline", "80", "1", "eth0"}},
		{arglist.V40, ep.AttrChanged, []string{"w1", "w2", "Ifs", "x", "y"}},
		{arglist.V40, ep.Shutdown, nil},
		{arglist.V40, ep.IMFInit, []string{"Web"}},
		{arglist.V50, ep.Monitor, []string{"w1", "Port", "1", "80", "Ifs", "1", "eth0", "AEPTimeout", "1", "60"}},
		{arglist.V51, ep.Action, []string{"w1", "Port", "1", "80", "Ifs", "1", "eth0", "ACTION_ARGS", "2", "a", "b c",
			"AEPTimeout", "1", "30"}},
		{0, ep.Clean, []string{"w1", "3", "Port", "1", "80", "Ifs", "1", "eth0", "AEPTimeout", "1", "60"}},
	}
	for _, tc := range tests {
		t.Run(tc.v.String()+"/"+string(tc.ep), func(t *testing.T) {
			got, err := arglist.ForEPVersion(tc.v, tc.ep, r, cfg, x)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if tc.v.Positional() {
				return
			}
			v50, err := arglist.ForEP(tc.ep, r, cfg, x)
			if err != nil || !equal(got, v50) {
				t.Errorf("ForEP = %q, %v; want %q", v50, err, got)
			}
		})
	}
}

// TestVersionString checks the names and the positional boundary.
func TestVersionString(t *testing.T) {
	for _, tc := range []struct {
		v          arglist.Version
		name       string
		positional bool
	}{{0, "V50", false}, {arglist.V40, "V40", true}, {arglist.V50, "V50", false}, {arglist.V51, "V51", false}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.v.String() != tc.name || tc.v.Positional() != tc.positional {
				t.Errorf("%d: %s positional %v", int(tc.v), tc.v, tc.v.Positional())
			}
		})
	}
}
