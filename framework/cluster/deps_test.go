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
