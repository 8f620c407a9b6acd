package agent

import (
	"time"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
)

// RequestSpec is everything that decides an entry point's request.
type RequestSpec struct {
	EP       ep.Name
	Resource *model.Resource
	Config   *model.Config // the snapshot Ref:Attr entries are resolved in
	Version  arglist.Version
	Extra    arglist.Extra
	Action   string        // action token
	Cycle    int           // monitor cycle number (VCSAG_MONITOR_COUNT)
	Unit     time.Duration // length of one attribute second; 0 = time.Second
	// Env is added to the environment after the per-resource variables:
	// the cluster's VCSAG_FENCING_TOKEN while this system owns the group.
	Env []string
}

// BuildRequest returns the request of one entry point: argv in the
// registration version, the timeout from the resource's attributes and the
// per-resource environment (LogDbg levels, monitor cycle). The agent builds
// every request with it, and so does `vigil ep`, so an entry point sees the
// same argv and environment under both.
func BuildRequest(s RequestSpec) (ep.Request, error) {
	r := s.Resource
	req := ep.Request{EP: s.EP, Type: r.Type.Name, Resource: r.Name, Action: s.Action, Snapshot: s.Config}
	var err error
	if req.Args, err = arglist.ForEPVersion(s.Version, s.EP, r, s.Config, s.Extra); err != nil {
		return req, err
	}
	unit := s.Unit
	if unit <= 0 {
		unit = time.Second
	}
	req.Timeout = arglist.Timeout(s.EP, r) / time.Second * unit
	req.Env = append(runner.ResourceEnv(r, s.Cycle), s.Env...)
	return req, nil
}
