package cluster

import (
	"slices"
	"testing"

	"github.com/vigil-ha/vigil/framework/model"
)

// depsConfig has a child c and two parents: p requires c online global
// firm, r requires c online remote firm; SystemList A, B, C by priority,
// AutoStartList B.
func depsConfig() *model.Config {
	cfg := &model.Config{Groups: map[string]*model.Group{}, Systems: []string{"A", "B", "C"}}
	for _, name := range []string{"c", "p", "r"} {
		cfg.Groups[name] = &model.Group{Name: name, Attrs: map[string]model.Value{
			"SystemList":    {Dim: model.Assoc, Assoc: []model.KV{{Key: "A", Value: "0"}, {Key: "B", Value: "1"}, {Key: "C", Value: "2"}}},
			"AutoStartList": {Dim: model.Keylist, List: []string{"B"}},
		}}
	}
	cfg.Groups["p"].Requires = []model.GroupDep{{Child: "c", Category: "online", Location: "global", Rigidity: "firm"}}
	cfg.Groups["r"].Requires = []model.GroupDep{{Child: "c", Category: "online", Location: "remote"}}
	return cfg
}

// TestCrossSystemGroupDeps: a parent goes online only where its global or
// remote child allows; when the child faults, firm parents go offline and
// come back by the policy (remote: away from the child's new system).
func TestCrossSystemGroupDeps(t *testing.T) {
	tc := startCluster(t, 1)
	tl := &timeline{on: map[string]string{}}
	nodes := map[string]*node{}
	for _, s := range []string{"A", "B", "C"} {
		nodes[s] = startNodeWith(t, tc, s, tl, depsConfig())
	}
	// c and p AutoStart on B; r's AutoStartList (B) holds c, so an
	// administrator places it on A.
	eventually(t, "c and p online on B", func() bool { return tl.where("c") == "B" && tl.where("p") == "B" })
	if err := nodes["A"].m.Place(t.Context(), "r", "A", false); err != nil {
		t.Fatal(err)
	}
	eventually(t, "r online elsewhere than c (not B: remote)", func() bool { return tl.where("r") == "A" })

	// c faults on B and moves to A (priority 0): p (global firm) goes
	// offline on B and comes back on A, where c is now the first choice;
	// r (remote firm) leaves A, where c now is, for B.
	nodes["B"].eng.fault("c")
	eventually(t, "c on A, p on A, r on B", func() bool {
		return tl.where("c") == "A" && tl.where("p") == "A" && tl.where("r") == "B"
	})
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if len(tl.overlap) > 0 {
		t.Fatalf("overlaps: %v", tl.overlap)
	}
	var ph, rh []string
	for _, h := range tl.history {
		switch h[0] {
		case 'p':
			ph = append(ph, h)
		case 'r':
			rh = append(rh, h)
		}
	}
	if !slices.Equal(ph, []string{"p@B", "p@A"}) || !slices.Equal(rh, []string{"r@A", "r@B"}) {
		t.Fatalf("p went %v, r went %v", ph, rh)
	}
}

// offlineDepsConfig has a child c and parents og (requires c offline
// global) and orr (requires c offline remote); SystemList A, B, C.
func offlineDepsConfig() *model.Config {
	cfg := depsConfig()
	delete(cfg.Groups, "p")
	delete(cfg.Groups, "r")
	for _, name := range []string{"og", "orr"} {
		g := *cfg.Groups["c"]
		g.Name = name
		cfg.Groups[name] = &g
	}
	cfg.Groups["og"].Requires = []model.GroupDep{{Child: "c", Category: "offline", Location: "global"}}
	cfg.Groups["orr"].Requires = []model.GroupDep{{Child: "c", Category: "offline", Location: "remote"}}
	return cfg
}

// TestOfflineDepsRules: offline global keeps parent and child apart on
// every system, both ways; offline remote lets them share a system only;
// the parent yields when both are online anyway.
func TestOfflineDepsRules(t *testing.T) {
	cfg := offlineDepsConfig()
	view := func(owners map[string]string) View {
		v := View{Owners: map[string]Owner{}}
		for g, s := range owners {
			v.Owners[g] = Owner{System: s, Token: 10}
		}
		return v
	}
	for _, tc := range []struct {
		owners map[string]string
		group  string
		sys    string
		allow  bool
	}{
		{map[string]string{}, "og", "A", true},
		{map[string]string{"c": "B"}, "og", "A", false},  // global: c online anywhere
		{map[string]string{"c": "B"}, "og", "B", false},  // global: even on c's system
		{map[string]string{"og": "A"}, "c", "B", false},  // the other way round
		{map[string]string{"og": "A"}, "c", "A", false},  //
		{map[string]string{"c": "B"}, "orr", "A", false}, // remote: c on another system
		{map[string]string{"c": "B"}, "orr", "B", true},  // remote: c on the same system
		{map[string]string{"orr": "A"}, "c", "B", false}, // the other way round
		{map[string]string{"orr": "A"}, "c", "A", true},  //
		{map[string]string{"orr": "A"}, "og", "B", true}, // unrelated groups
	} {
		if got := depsAllow(view(tc.owners), cfg, cfg.Groups[tc.group], tc.sys); got != tc.allow {
			t.Errorf("owners %v: depsAllow(%s on %s) = %v, want %v", tc.owners, tc.group, tc.sys, got, tc.allow)
		}
	}
	if why := depsBroken(view(map[string]string{"og": "A", "c": "B"}), cfg, cfg.Groups["og"], "A", 10); why == "" {
		t.Error("og online with c online elsewhere (offline global): not broken")
	}
	if why := depsBroken(view(map[string]string{"orr": "A", "c": "A"}), cfg, cfg.Groups["orr"], "A", 10); why != "" {
		t.Errorf("orr online with c on the same system (offline remote): broken: %s", why)
	}
	if why := depsBroken(view(map[string]string{"orr": "A", "c": "B"}), cfg, cfg.Groups["orr"], "A", 10); why == "" {
		t.Error("orr online with c online on another system (offline remote): not broken")
	}
}

// TestOfflineGlobalDep: with etcd, a parent requiring its child offline
// global does not start while the child runs; once the child is taken
// offline by an administrator the parent starts, and the child, wanted
// again, waits while the parent runs.
func TestOfflineGlobalDep(t *testing.T) {
	tc := startCluster(t, 1)
	tl := &timeline{on: map[string]string{}, apart: map[string]string{"og": "c", "c": "og"}}
	nodes := map[string]*node{}
	cfg := offlineDepsConfig()
	delete(cfg.Groups, "orr")
	for _, s := range []string{"A", "B"} {
		nodes[s] = startNodeWith(t, tc, s, tl, cfg)
	}
	eventually(t, "c online on B (AutoStart)", func() bool { return tl.where("c") == "B" })
	if err := nodes["A"].m.Place(t.Context(), "og", "A", false); err != nil {
		t.Fatal(err)
	}
	if err := nodes["A"].m.Unwant(t.Context(), "c"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "og online on A once c is offline", func() bool { return tl.where("og") == "A" && tl.where("c") == "" })
	if err := nodes["B"].m.Place(t.Context(), "c", "B", false); err != nil {
		t.Fatal(err)
	}
	// c is wanted on B but og runs: c stays offline (the timeline fails on
	// both online at once). Take og offline: c then starts.
	if err := nodes["B"].m.Unwant(t.Context(), "og"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "c online once og is offline", func() bool { return tl.where("c") != "" && tl.where("og") == "" })
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if len(tl.overlap) > 0 {
		t.Fatalf("overlaps: %v (history %v)", tl.overlap, tl.history)
	}
}
