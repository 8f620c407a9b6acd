package cluster

import (
	"fmt"

	"github.com/vigil-ha/vigil/framework/model"
)

// Group dependencies across systems (`requires group C online
// global|remote [soft|firm|hard]`), VCS semantics:
//
//   - the parent goes online only where the child is online as the location
//     asks: global, on some system; remote, on another system than the
//     parent's (depsAllow, part of the choice of a system);
//   - firm and hard (hard is only defined for local in VCS; vigil treats it
//     as firm): when the child faults, wherever it ran, the parent is taken
//     offline and stays wanted, so it comes back by the policy once the
//     child is online again; remote, likewise when the child comes online on
//     the parent's system (the parent moves away). soft: the parent stays.
//
// "Faulted after the parent went online" compares the child's fault keys'
// mod revisions with the parent's fencing token (the create revision of its
// owner key): both are etcd revisions, so the order is exact.

// crossDeps returns g's online dependencies on failover groups with
// location global or remote; Parallel children have no owner to read and
// are not checked (as in the engine).
func crossDeps(cfg *model.Config, g *model.Group) []model.GroupDep {
	var out []model.GroupDep
	for _, d := range g.Requires {
		if d.Category != "online" || d.Location == "local" {
			continue
		}
		if c := cfg.Groups[d.Child]; c == nil || c.Parallel() {
			continue
		}
		out = append(out, d)
	}
	return out
}

// depsAllow reports whether g's global/remote dependencies let it go
// online on sys now.
func depsAllow(v View, cfg *model.Config, g *model.Group, sys string) bool {
	for _, d := range crossDeps(cfg, g) {
		owner := v.Owners[d.Child].System
		if owner == "" || (d.Location == "remote" && owner == sys) {
			return false
		}
	}
	return true
}

// depsBroken returns why g, online on me under token, must go offline for
// a global/remote firm or hard dependency, "" if it need not.
func depsBroken(v View, cfg *model.Config, g *model.Group, me string, token int64) string {
	for _, d := range crossDeps(cfg, g) {
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
		if d.Location == "remote" && v.Owners[d.Child].System == me {
			return fmt.Sprintf("required group %q is online on this system (online remote %s)", d.Child, rig)
		}
	}
	return ""
}
