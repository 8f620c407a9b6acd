package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

func TestFreezeGroup(t *testing.T) {
	b := newBuilder().group("g", nil, "r1", "r2").requires("r2", "r1").group("p", nil, "p1").groupDep("p", "g", "firm")
	w := newWorld()
	var dumped *model.Config
	e := start(t, b.cfg, w, func(c *model.Config, _ string) error { dumped = c; return nil })
	waitFor(t, "g online", groupIs(e, "g", state.GroupOnline))
	waitFor(t, "p online", groupIs(e, "p", state.GroupOnline))
	ctx := context.Background()
	if err := e.FreezeGroup("g", false); err != nil {
		t.Fatal(err)
	}
	if dumped != nil {
		t.Fatal("a temporary freeze was written")
	}
	if v, _ := e.Group("g"); !v.TFrozen || v.Frozen {
		t.Fatalf("view: frozen %v tfrozen %v", v.Frozen, v.TFrozen)
	}
	for name, f := range map[string]func() error{
		"offline group":    func() error { return e.OfflineGroup(ctx, "g", true) },
		"online resource":  func() error { return e.OnlineResource(ctx, "r1", true) },
		"offline resource": func() error { return e.OfflineResource(ctx, "r2", true) },
	} {
		if err := f(); !errors.Is(err, ErrConflict) {
			t.Errorf("%s of a frozen group: err = %v, want conflict", name, err)
		}
	}
	// A fault in a frozen group takes nothing offline, here or in p.
	w.set("r1", state.Faulted, "monitor", "fault")
	waitFor(t, "g faulted", func() bool { v, _ := e.Group("g"); return v.State == "PARTIAL" })
	if e.Status().Counts.FrozenGroups != 1 || e.Status().Counts.FaultedResources != 1 {
		t.Fatalf("counts = %+v", e.Status().Counts)
	}
	if w.index("offline r2") >= 0 || w.index("offline p1") >= 0 {
		t.Fatalf("a frozen group's fault took something offline: %v", w.calls)
	}
	if err := e.FreezeGroup("g", true); err != nil {
		t.Fatal(err)
	}
	if dumped == nil || dumped.Groups["g"].Attrs["Frozen"].Scalar != "1" {
		t.Fatal("persistent freeze not written")
	}
	if err := e.UnfreezeGroup("g", false); err == nil {
		t.Fatal("unfreeze without --persistent of a persistent freeze accepted")
	}
	for _, p := range []bool{true, false} {
		if err := e.UnfreezeGroup("g", p); err != nil {
			t.Fatal(err)
		}
	}
	if e.Snapshot().Groups["g"].Frozen() {
		t.Fatal("still frozen")
	}
	if err := e.ClearGroup("g"); err != nil {
		t.Fatal(err)
	}
	if err := e.OnlineGroup(ctx, "g", true); err != nil {
		t.Fatal(err)
	}
}

func TestStructuralChanges(t *testing.T) {
	b := newBuilder().group("g", nil, "r1")
	w := newWorld()
	e := start(t, b.cfg, w, nil)
	waitFor(t, "g online", groupIs(e, "g", state.GroupOnline))
	ctx := context.Background()
	if err := e.AddResource("r1", "Proc", "g"); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate add: %v", err)
	}
	if err := e.AddResource("n1", "Nope", "g"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown type: %v", err)
	}
	if err := e.AddResource("9x", "Proc", "g"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad name: %v", err)
	}
	if err := e.AddResource("new", "Proc", "g"); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Resource("new"); v.Enabled {
		t.Fatal("a new resource is enabled")
	}
	if err := e.Link("new", "r1"); err != nil {
		t.Fatal(err)
	}
	if err := e.Link("r1", "new"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("cycle: %v", err)
	}
	if err := e.Modify("new", "Enabled", []string{"1"}); err != nil {
		t.Fatal(err)
	}
	if err := e.OnlineGroup(ctx, "g", true); err != nil {
		t.Fatal(err)
	}
	if st := w.state["new"]; st != state.Online {
		t.Fatalf("new = %s", st)
	}
	d, _ := e.ResourceDeps("r1")
	if len(d.RequiredBy) != 1 || d.RequiredBy[0] != "new" {
		t.Fatalf("deps = %+v", d)
	}
	if err := e.DeleteResource("new"); !errors.Is(err, ErrConflict) {
		t.Fatalf("delete of an online resource: %v", err)
	}
	if err := e.OfflineResource(ctx, "new", true); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteResource("new"); !errors.Is(err, ErrConflict) {
		t.Fatalf("delete of a linked resource: %v", err)
	}
	if err := e.Unlink("new", "r1"); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteResource("new"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Resource("new"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted resource still there: %v", err)
	}
	if err := e.AddGroup("h"); err != nil {
		t.Fatal(err)
	}
	if err := e.AddResource("h1", "Proc", "h"); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteGroup("h"); !errors.Is(err, ErrConflict) {
		t.Fatalf("delete of a group with resources: %v", err)
	}
	if err := e.DeleteResource("h1"); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteGroup("h"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "g still online", groupIs(e, "g", state.GroupOnline))
}
