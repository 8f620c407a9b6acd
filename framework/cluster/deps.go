package cluster

import (
	"fmt"

	"github.com/vigil-ha/vigil/framework/model"
)

// Group dependencies across systems (`requires group C online|offline
// global|remote [soft|firm|hard]`), VCS semantics:
//
//   - online: the parent goes online only where the child is online as the
//     location asks: global, on some system; remote, on another system than
//     the parent's (depsAllow, part of the choice of a system);
//   - firm and hard (hard is only defined for local in VCS; vigil treats it
//     as firm): when the child faults, wherever it ran, the parent is taken
//     offline and stays wanted, so it comes back by the policy once the
//     child is online again; remote, likewise when the child comes online on
//     the parent's system (the parent moves away). soft: the parent stays;
//   - offline, both ways: the parent goes online only where the child is
//     offline as the location asks, and the child only where that keeps
//     the parent's rule: global, the child is online nowhere while the
//     parent is online anywhere (and the other way round); remote, the child
//     is online on no other system than the parent's (so a parent goes
//     online only where the child runs or while it runs nowhere, and a
//     child only on its parent's system while the parent is online). When
//     both go online at once on two systems anyway (each acquired before it
//     saw the other), the parent yields: it is taken offline and stays
//     wanted (depsBroken), whatever the rigidity.
//
// "Faulted after the parent went online" compares the child's fault keys'
// mod revisions with the parent's fencing token (the create revision of its
// owner key): both are etcd revisions, so the order is exact.

// crossDeps returns g's dependencies with location global or remote on
// failover groups; Parallel children have no owner to read and are not
// checked (as in the engine).
func crossDeps(cfg *model.Config, g *model.Group) []model.GroupDep {
	var out []model.GroupDep
	for _, d := range g.Requires {
		if d.Location == "local" || (d.Category != "online" && d.Category != "offline") {
			continue
		}
		if c := cfg.Groups[d.Child]; c == nil || c.Parallel() {
			continue
		}
		out = append(out, d)
	}
	return out
}

// depsAllow reports whether g's global/remote dependencies, and those of
// failover groups requiring g offline, let g go online on sys now.
func depsAllow(v View, cfg *model.Config, g *model.Group, sys string) bool {
	for _, d := range crossDeps(cfg, g) {
		owner := v.Owners[d.Child].System
		switch d.Category {
		case "online":
			if owner == "" || (d.Location == "remote" && owner == sys) {
				return false
			}
		case "offline":
			if d.OfflineBlocks(owner, sys) {
				return false
			}
		}
	}
	for _, name := range cfg.GroupNames() {
		p := cfg.Groups[name]
		if p == g || p.Parallel() {
			continue
		}
		for _, d := range crossDeps(cfg, p) {
			if d.Child == g.Name && d.OfflineBlocks(v.Owners[name].System, sys) {
				return false
			}
		}
	}
	return true
}

// depsBroken returns why g, online on me under token, must go offline for
// a global/remote dependency, "" if it need not.
func depsBroken(v View, cfg *model.Config, g *model.Group, me string, token int64) string {
	for _, d := range crossDeps(cfg, g) {
		owner := v.Owners[d.Child].System
		if d.Category == "offline" {
			if d.OfflineBlocks(owner, me) {
				return fmt.Sprintf("required group %q offline (%s) is online on system %q", d.Child, d.Location, owner)
			}
			continue
		}
		if d.Rigidity == "soft" {
			continue
		}
		rig := d.Rigidity
		if rig == "" {
			rig = "firm"
		}
		if v.FaultRev[d.Child] > token {
			return fmt.Sprintf("required group %q faulted (online %s %s)", d.Child, d.Location, rig)
		}
		if d.Location == "remote" && owner == me {
			return fmt.Sprintf("required group %q is online on this system (online remote %s)", d.Child, rig)
		}
	}
	return ""
}
