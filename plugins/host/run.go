package host

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

// Run runs one entry point in the plugin with the request's deadline.
func (h *Host) Run(ctx context.Context, req ep.Request) ep.Result {
	start := h.o.Clock.Now()
	res := h.run(ctx, req)
	res.Duration = h.o.Clock.Now().Sub(start)
	return res
}

func (h *Host) run(ctx context.Context, req ep.Request) ep.Result {
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	inst, res, ok := h.instance(ctx, req)
	if !ok {
		return res
	}
	call, err := inproc.NewCall(req, h.o.Type, h.o.Logger)
	if err != nil {
		return ep.Result{Outcome: ep.ExecError, Err: err}
	}
	rep, err := inst.agent.Call(ctx, call)
	if err == nil {
		return ep.Result{Outcome: ep.Exited, ExitCode: rep.ExitCode, Output: capOutput(req.EP, rep.Output)}
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded:
		h.checkHung(inst)
		return ep.Result{Outcome: ep.TimedOut}
	case ctx.Err() != nil || status.Code(err) == codes.Canceled:
		return ep.Result{Outcome: ep.Canceled, Err: fmt.Errorf("%s of %q: %w", req.EP, req.Resource, err)}
	case status.Code(err) == codes.Unimplemented:
		return ep.Result{Outcome: ep.ExecError, Err: fmt.Errorf("%s of %q: %w", req.EP, req.Resource, err)}
	}
	// The transport failed: the plugin died or its connection broke.
	// Either way this instance is done; the supervisor relaunches.
	h.o.Logger.Error(fmt.Sprintf("%s of %s: plugin call failed: %v", req.EP, req.Resource, err))
	h.retire(inst)
	return ep.Result{Outcome: ep.Signaled, Signal: "plugin exited",
		Err: fmt.Errorf("%s of %q: %w: %w", req.EP, req.Resource, ErrPluginExited, err)}
}

// instance returns the running plugin for req. While the plugin is being
// relaunched the call waits for it, within its own deadline.
func (h *Host) instance(ctx context.Context, req ep.Request) (*instance, ep.Result, bool) {
	for {
		h.mu.Lock()
		inst, closed, has, up := h.cur, h.closed, h.eps[req.EP], h.up
		h.mu.Unlock()
		switch {
		case closed:
			return nil, ep.Result{Outcome: ep.Canceled, Err: fmt.Errorf("%s of %q: %w", req.EP, req.Resource, ErrClosed)}, false
		case inst != nil && !has:
			return nil, ep.Result{Outcome: ep.ExecError, Err: fmt.Errorf("%s of type %q: not implemented by plugin %s",
				req.EP, req.Type, h.o.Path)}, false
		case inst != nil:
			return inst, ep.Result{}, true
		}
		select {
		case <-up:
		case <-h.done:
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, ep.Result{Outcome: ep.TimedOut, Err: fmt.Errorf("%s of %q: %w", req.EP, req.Resource, ErrPluginDown)}, false
			}
			return nil, ep.Result{Outcome: ep.Canceled, Err: fmt.Errorf("%s of %q: %w", req.EP, req.Resource, ctx.Err())}, false
		}
	}
}

// capOutput applies the action cap (2048 bytes) or the general one.
func capOutput(n ep.Name, s string) []byte {
	limit := inproc.OutputCap
	if n == ep.Action {
		limit = inproc.ActionOutputCap
	}
	if len(s) > limit {
		s = s[:limit]
	}
	if s == "" {
		return nil
	}
	return []byte(s)
}
