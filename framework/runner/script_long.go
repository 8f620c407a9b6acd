package runner

import (
	"context"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/ep"
)

// StartLong starts a long-running entry point of the agent directory
// (imf_getnotification) with the environment and guarantees of Run, and
// returns at once; each line of its output goes to lines as it comes. It
// ends when ctx is canceled (its whole tree is killed) or on its own.
func (s *Script) StartLong(ctx context.Context, req ep.Request, lines func(line []byte)) (ep.Long, error) {
	path, err := s.Path(req)
	if err != nil {
		return nil, err
	}
	log := s.o.Logger.With(zap.String(agentlog.FieldResource, req.Resource), zap.String(agentlog.FieldEP, string(req.EP)))
	env := MergeEnv(s.env, append([]string{"VCSAG_ENTRY_POINT=" + string(req.EP)}, req.Env...))
	p, err := s.o.Runner.Start(ctx, path, req.Args, RunOptions{Dir: s.o.AgentDir, Env: env, Timeout: req.Timeout,
		OutputCap: s.o.OutputCap, KillGrace: s.o.KillGrace, Logger: log, Clock: s.o.Clock, Lines: lines})
	if err != nil {
		return nil, err
	}
	return p, nil
}

var _ ep.LongStarter = (*Script)(nil)
