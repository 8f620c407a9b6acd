package inproc

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Output caps, as the runner applies them to scripts.
const (
	OutputCap       = 64 << 10
	ActionOutputCap = 2048
)

// ErrPanic is wrapped by the result of a call in which the agent panicked.
var ErrPanic = errors.New("agent panicked")

// Options configure an in-process implementation.
type Options struct {
	// Type is the agent's type: its declarations type attributes of
	// requests that carry no snapshot.
	Type *model.Type
	// Logger is the type's agent log.
	Logger *zap.Logger
	// Clock measures durations; nil = clock.Real.
	Clock clock.Clock
}

// Impl is an sdk.Agent as an ep.Implementation.
type Impl struct {
	agent sdk.Agent
	has   map[ep.Name]bool
	o     Options
}

var _ ep.Implementation = (*Impl)(nil)

// New wraps a.
func New(a sdk.Agent, o Options) *Impl {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Type == nil {
		o.Type = &model.Type{}
	}
	has := map[ep.Name]bool{}
	for _, n := range sdk.Implements(a) {
		has[ep.Name(n)] = true
	}
	return &Impl{agent: a, has: has, o: o}
}

// Agent returns the wrapped agent.
func (i *Impl) Agent() sdk.Agent { return i.agent }

// Has reports whether the agent implements entry point n.
func (i *Impl) Has(n ep.Name) bool { return i.has[n] }

// Run calls the agent for one request with the request's deadline.
func (i *Impl) Run(ctx context.Context, req ep.Request) ep.Result {
	start := i.o.Clock.Now()
	res := i.run(ctx, req)
	res.Duration = i.o.Clock.Now().Sub(start)
	return res
}

func (i *Impl) run(ctx context.Context, req ep.Request) ep.Result {
	if !i.has[req.EP] {
		return ep.Result{Outcome: ep.ExecError, Err: fmt.Errorf("%s of type %q: %w", req.EP, req.Type, sdk.ErrNotImplemented)}
	}
	call, err := NewCall(req, i.o.Type, i.o.Logger)
	if err != nil {
		return ep.Result{Outcome: ep.ExecError, Err: err}
	}
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	done := make(chan ep.Result, 1)
	go func() { done <- i.dispatch(ctx, call) }()
	select {
	case r := <-done:
		if ctx.Err() != nil {
			return ctxResult(ctx, req)
		}
		return r
	case <-ctx.Done():
		call.Resource.Log.Warn(fmt.Sprintf("%s did not return by its deadline; left to end on its context", req.EP))
		return ctxResult(ctx, req)
	}
}

// ctxResult is the result of a call whose context ended.
func ctxResult(ctx context.Context, req ep.Request) ep.Result {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ep.Result{Outcome: ep.TimedOut}
	}
	return ep.Result{Outcome: ep.Canceled, Err: fmt.Errorf("%s of %q: %w", req.EP, req.Resource, ctx.Err())}
}

// dispatch calls the agent, recovering a panic into the agent log.
func (i *Impl) dispatch(ctx context.Context, c sdk.Call) (res ep.Result) {
	defer func() {
		if p := recover(); p != nil {
			c.Resource.Log.Error(fmt.Sprintf("%s panicked: %v\n%s", c.EP, p, debug.Stack()))
			res = ep.Result{Outcome: ep.ExecError, Err: fmt.Errorf("%s of %q: %w: %v", c.EP, c.Resource.Name, ErrPanic, p)}
		}
	}()
	rep, err := sdk.Dispatch(ctx, i.agent, c)
	if err != nil {
		return ep.Result{Outcome: ep.ExecError, Err: err}
	}
	return ep.Result{Outcome: ep.Exited, ExitCode: rep.ExitCode, Output: capOutput(c.EP, rep.Output)}
}

// capOutput applies the action cap (2048 bytes) or the general one.
func capOutput(n sdk.EntryPoint, s string) []byte {
	limit := OutputCap
	if n == sdk.EPAction {
		limit = ActionOutputCap
	}
	if len(s) > limit {
		s = s[:limit]
	}
	if s == "" {
		return nil
	}
	return []byte(s)
}
