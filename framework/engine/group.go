package engine

import (
	"context"
	"errors"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// opResult is the outcome of a group operation, known once done is closed.
type opResult struct {
	done chan struct{}
	err  error
}

// wait blocks until the operation ends or ctx is done.
func (o *opResult) wait(ctx context.Context) error {
	select {
	case <-o.done:
		return o.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startGroupOp runs fn as group name's operation, cancelling and waiting
// for whatever operation the group was running; why becomes the error of
// the cancelled operation. With startGroupOpKey, a request identical to the
// running operation (same non-empty key: "online" or "offline" of the whole
// group) joins it instead: it gets the running operation's result and
// starts nothing.
func (e *Engine) startGroupOp(name, op string, why error, fn func(ctx context.Context) error) *opResult {
	return e.startGroupOpKey(name, op, "", why, fn)
}

// startGroupOpKey is startGroupOp with a join key: a request whose key is
// that of the running operation joins it.
func (e *Engine) startGroupOpKey(name, op, key string, why error, fn func(ctx context.Context) error) *opResult {
	res := &opResult{done: make(chan struct{})}
	e.mu.Lock()
	if e.stopped {
		e.mu.Unlock()
		res.err = errorf(ErrConflict, "%s group %q: engine is stopping", op, name)
		close(res.done)
		return res
	}
	g := e.groups[name]
	if key != "" && g.key == key && g.res != nil {
		joined := g.res
		e.mu.Unlock()
		return joined
	}
	prevCancel, prevDone := g.cancel, g.done
	ctx, cancel := context.WithCancelCause(context.Background())
	g.op, g.key, g.res, g.cancel, g.done = op, key, res, cancel, res.done
	e.bg.Add(1) // under e.mu, so that Stop, once it has set stopped, waits for it
	e.mu.Unlock()
	if prevCancel != nil {
		prevCancel(why)
	}
	go func() {
		defer e.bg.Done()
		if prevDone != nil {
			<-prevDone
		}
		res.err = fn(ctx)
		cancel(nil)
		e.mu.Lock()
		if g.done == res.done {
			g.op, g.key, g.res, g.cancel, g.err = "", "", nil, nil, res.err
		}
		e.mu.Unlock()
		close(res.done)
		e.wake()
	}()
	return res
}

// wake wakes every waiter without publishing an event.
func (e *Engine) wake() {
	e.mu.Lock()
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
}

// changes returns a channel closed at the next event.
func (e *Engine) changes() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

func (e *Engine) failSeq(name string) uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fails[name]
}

// request is one Online or Offline call the operation is waiting on.
type request struct {
	seq      uint64
	deadline time.Time
	bound    time.Duration
}

func onlineBound(c conf) time.Duration {
	per := c.Int("OnlineTimeout") + (c.Int("OnlineWaitLimit")+1)*c.Int("MonitorInterval") + c.Int("CleanTimeout")
	return time.Duration(per*(c.Int("OnlineRetryLimit")+1)+10) * time.Second
}

func offlineBound(c conf) time.Duration {
	per := c.Int("OfflineTimeout") + (c.Int("OfflineWaitLimit")+1)*c.Int("MonitorInterval") + c.Int("CleanTimeout")
	return time.Duration(per+10) * time.Second
}

// stepper decides, for one resource, whether it is done, failed, waiting,
// or may be commanded now.
type stepper struct {
	e         *Engine
	verb      string // "online" | "offline"
	requested map[string]request
	// busy holds, for each resource whose agent refused a command because
	// it was on its way elsewhere (another operation's command, a restart,
	// a clean), when that was first seen: the walk commands it again after
	// the next change, and fails once it has been busy for its bound.
	busy map[string]time.Time
}

// errBusy tells walk that a resource was busy and will be tried again.
var errBusy = errors.New("busy")

// waitNext sleeps until the next event, the earliest deadline or ctx.
func (s *stepper) waitNext(ctx context.Context, ch <-chan struct{}) error {
	var next time.Duration = time.Minute
	now := s.e.clk.Now()
	for _, r := range s.requested {
		if d := r.deadline.Sub(now); d < next {
			next = d
		}
	}
	if next < time.Millisecond {
		next = time.Millisecond
	}
	select {
	case <-ch:
		return nil
	case <-s.e.clk.After(next):
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// pending checks a requested resource at time now: an error when it failed
// or passed its deadline, nil while it is still on its way.
func (s *stepper) pending(r *model.Resource, now time.Time) (bool, error) {
	req, ok := s.requested[r.Name]
	if !ok {
		return false, nil
	}
	if s.e.failSeq(r.Name) > req.seq {
		return true, errorf(ErrFailed, "resource %q failed to go %s", r.Name, s.verb)
	}
	if !now.Before(req.deadline) {
		return true, errorf(ErrFailed, "resource %q did not go %s within %s", r.Name, s.verb, req.bound)
	}
	return true, nil
}

// command calls Online or Offline and records the request.
func (s *stepper) command(r *model.Resource, cause string) error {
	a, err := s.e.agentOf(r)
	if err != nil {
		return err
	}
	seq := s.e.failSeq(r.Name)
	c := s.e.conf(r)
	bound := onlineBound(c)
	if s.verb == "online" {
		err = a.Online(r.Name)
	} else {
		bound = offlineBound(c)
		err = a.Offline(r.Name)
	}
	if errors.Is(err, agent.ErrBusy) && s.busy != nil {
		now := s.e.clk.Now()
		first, seen := s.busy[r.Name]
		if !seen {
			s.busy[r.Name], first = now, now
		}
		if now.Sub(first) < bound {
			return errBusy
		}
		return errorf(ErrFailed, "resource %q was busy for %s and could not be brought %s", r.Name, bound, s.verb)
	}
	if err != nil {
		return errorf(ErrFailed, "%w", err) // the agent's message names the request
	}
	delete(s.busy, r.Name)
	s.requested[r.Name] = request{seq: seq, deadline: s.e.clk.Now().Add(bound), bound: bound}
	s.e.publish(events.Event{Kind: events.KindRequest, Resource: r.Name, Type: r.Type.Name, Group: groupName(r),
		Cause: cause, Detail: s.verb + " requested"})
	return nil
}

// onlineResources brings the resources of set online, each once every
// resource it requires is ONLINE, independent ones in parallel.
func (e *Engine) onlineResources(ctx context.Context, set []*model.Resource, cause string) error {
	s := &stepper{e: e, verb: "online", requested: map[string]request{}, busy: map[string]time.Time{}}
	return e.walk(ctx, s, e.nodes(set, true), cause, e.planOnline)
}

// offlineResources takes the resources of set offline, each once every
// resource requiring it is OFFLINE or FAULTED.
func (e *Engine) offlineResources(ctx context.Context, set []*model.Resource, cause string) error {
	s := &stepper{e: e, verb: "offline", requested: map[string]request{}, busy: map[string]time.Time{}}
	return e.walk(ctx, s, e.nodes(set, false), cause, e.planOffline)
}

// planner returns the indexes in ns of the resources to command now (after
// todo's), whether every resource is where the walk wants it, or why the
// walk fails.
type planner func(s *stepper, ns []node, now time.Time, todo []int) ([]int, bool, error)

// walk runs plan over ns after every event until it is done or fails. Each
// pass reads the states the group's tally holds, which are updated before
// the event that wakes the next pass is published, so no change is missed.
// A pass makes no map look-up, agent call, allocation or attribute
// resolution per resource; a resource on its way costs one look-up of its
// request and last failure.
func (e *Engine) walk(ctx context.Context, s *stepper, ns []node, cause string, plan planner) error {
	var todo []int
	for {
		ch := e.changes()
		var done bool
		var err error
		todo, done, err = plan(s, ns, e.clk.Now(), todo[:0])
		if err != nil {
			return err
		}
		for _, i := range todo {
			err := s.command(ns[i].r, cause)
			if errors.Is(err, errBusy) {
				continue // on its way elsewhere: planned again at the next change
			}
			if err != nil {
				return err
			}
			ns[i].asked = true
		}
		if done {
			return nil
		}
		if err := s.waitNext(ctx, ch); err != nil {
			return err
		}
	}
}

// waiting reports whether n was commanded and is still on its way, or why
// it failed.
func (s *stepper) waiting(n *node, now time.Time) (bool, error) {
	if !n.asked {
		return false, nil
	}
	return s.pending(n.r, now)
}

// planOnline picks the resources that may be brought online now.
func (e *Engine) planOnline(s *stepper, ns []node, now time.Time, todo []int) ([]int, bool, error) {
	done := true
	for i := range ns {
		n := &ns[i]
		x := e.class(n.r, n.x)
		if !x.enabled || x.settled(state.Online) {
			continue
		}
		done = false
		if x.settled(state.Faulted) {
			return nil, false, errorf(ErrFailed, "resource %q is faulted", n.r.Name)
		}
		if x.ops == opsNone {
			continue // persistent: only monitored, never commanded
		}
		if waiting, err := s.waiting(n, now); err != nil || waiting {
			if err != nil {
				return nil, false, err
			}
			continue
		}
		if on, all := e.depsOnline(n); on == all {
			todo = append(todo, i)
		}
	}
	return todo, done, nil
}

// planOffline picks the resources that may be taken offline now.
func (e *Engine) planOffline(s *stepper, ns []node, now time.Time, todo []int) ([]int, bool, error) {
	done := true
	for i := range ns {
		n := &ns[i]
		x := e.class(n.r, n.x)
		if !x.enabled || x.ops != opsOnOff || x.state != state.Online && !x.moving {
			continue // settled OFFLINE, FAULTED or UNKNOWN: nothing to take offline
		}
		done = false
		if waiting, err := s.waiting(n, now); err != nil || waiting {
			if err != nil {
				return nil, false, err
			}
			continue
		}
		if e.depsUp(n) == 0 {
			todo = append(todo, i)
		}
	}
	return todo, done, nil
}

// firstChildNotOnline returns an enabled resource r requires that is not
// ONLINE as its agent reports it now, if any.
func (e *Engine) firstChildNotOnline(r *model.Resource) *model.Resource {
	for _, c := range r.Requires {
		if !e.conf(c).enabled() {
			continue
		}
		if st, _ := e.status(c); st.State.State != state.Online {
			return c
		}
	}
	return nil
}

// firstParentOnline returns an enabled resource requiring r that is ONLINE
// as its agent reports it now, if any.
func (e *Engine) firstParentOnline(r *model.Resource) *model.Resource {
	for _, p := range parents(r) {
		if !e.conf(p).enabled() {
			continue
		}
		if st, _ := e.status(p); st.State.State == state.Online {
			return p
		}
	}
	return nil
}

// groupState computes a group's state from its resources' states as the
// agents report them now. Decisions and views use it; events use the
// group's tally, which gives the same state once its events are handled.
func (e *Engine) groupState(g *model.Group) state.GroupState {
	var c counts
	for _, r := range g.Resources {
		x := classOf(e.conf(r))
		if !x.enabled {
			continue
		}
		st, _ := e.status(r)
		x.state = st.State.State
		c.add(x, 1)
	}
	gs := state.GroupState{State: c.state()}
	if c.faulted > 0 {
		gs.Flags |= state.GroupFaulted
	}
	e.mu.Lock()
	switch e.groups[g.Name].op {
	case "online":
		gs.Flags |= state.GroupStarting
	case "offline":
		gs.Flags |= state.GroupStopping
	}
	e.mu.Unlock()
	return gs
}
