package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/resstate"
	"github.com/vigil-ha/vigil/framework/state"
)

func (a *Agent) params(r *model.Resource) resstate.Params {
	p := resstate.ParamsFrom(r, a.o.Impl.Has, a.unit)
	if a.o.IMF == nil {
		p.IMFMode = 0 // nothing to register with: poll as without IMF
	}
	return p
}

// Add takes a resource under management: open (if Enabled) then probe.
func (a *Agent) Add(r *model.Resource) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopping {
		return fmt.Errorf("add resource %q: %w", r.Name, ErrStopped)
	}
	if _, ok := a.res[r.Name]; ok {
		return fmt.Errorf("add resource %q: %w", r.Name, ErrExists)
	}
	res := &resource{name: r.Name, r: r, m: resstate.New(a.params(r)), enabled: r.Int("Enabled") != 0,
		info: map[string]string{}, engine: state.ResourceState{}}
	a.res[r.Name] = res
	a.grow()
	if res.enabled {
		a.enqueue(res, &job{kind: jobEvent, event: resstate.Enable, cause: "open"}, false)
	}
	return nil
}

// Remove closes the resource as the reference table says, then forgets it.
func (a *Agent) Remove(name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, err := a.lookup(name)
	if err != nil {
		return err
	}
	res.removed = true
	a.stopMonitor(res)
	a.enqueue(res, &job{kind: jobEvent, event: resstate.Remove, cause: "remove"}, false)
	return nil
}

// Update applies changed attributes of r: Enabled opens or closes,
// attributes in RegList run attr_changed, IMF-relevant changes re-register.
func (a *Agent) Update(r *model.Resource, changed []string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, err := a.lookup(r.Name)
	if err != nil {
		return err
	}
	res.r = r
	res.m.SetParams(a.params(r))
	reg, _ := r.Attr("RegList")
	imfReset := false
	for _, attr := range changed {
		switch {
		case attr == "Enabled":
			on := r.Int("Enabled") != 0
			if on != res.enabled {
				res.enabled = on
				k := map[bool]resstate.Kind{true: resstate.Enable, false: resstate.Disable}[on]
				a.enqueue(res, &job{kind: jobEvent, event: k, cause: "enabled"}, false)
			}
		case slices.Contains(reg.List, attr) && a.o.Impl.Has(ep.AttrChanged):
			a.enqueue(res, &job{kind: jobAttrChanged, changed: attr, cause: "attr_changed"}, false)
		}
		imfReset = imfReset || resstate.IMFRelevant(r, attr)
	}
	if imfReset {
		a.enqueue(res, &job{kind: jobEvent, event: resstate.IMFReset, cause: "imf"}, false)
	}
	return nil
}

// Online asks for the resource to be brought online.
func (a *Agent) Online(name string) error {
	return a.request(name, resstate.OnlineRequested, "online")
}

// Offline asks for the resource to be taken offline.
func (a *Agent) Offline(name string) error {
	return a.request(name, resstate.OfflineRequested, "offline")
}

// Probe runs monitor now; the result counts as a monitor cycle.
func (a *Agent) Probe(name string) error { return a.request(name, resstate.Probe, "probe") }

// Clear clears FAULTED or ADMIN_WAIT and probes again.
func (a *Agent) Clear(name string) error { return a.request(name, resstate.Clear, "clear") }

// ExpireOffline tells the agent that the engine's deadline for taking the
// resource offline has passed (a fencing system): a running (or queued)
// offline entry point is ended and counts as timed out, and a resource
// still ONLINE or waiting for its offline to show gets OfflineExpired. The
// state machine then cleans it by its own rules (no clean in a frozen
// group, ADMIN_WAIT under ManageFaults=NONE).
func (a *Agent) ExpireOffline(name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, err := a.lookup(name)
	if err != nil {
		return err
	}
	if res.m.State() == resstate.GoingOffline {
		res.expire = true
		if res.cancelEP != nil {
			res.cancelEP()
		}
		return nil
	}
	if res.queued(resstate.OfflineExpired) {
		return nil
	}
	if err := res.m.Allowed(resstate.OfflineExpired); err != nil {
		return fmt.Errorf("expire offline of resource %q: %w", name, a.mapErr(res, err))
	}
	a.enqueue(res, &job{kind: jobEvent, event: resstate.OfflineExpired, cause: "fence"}, true)
	return nil
}

// request checks and queues an engine request.
func (a *Agent) request(name string, k resstate.Kind, cause string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, err := a.lookup(name)
	if err != nil {
		return err
	}
	if !res.enabled {
		return fmt.Errorf("%s resource %q: %w", cause, name, ErrDisabled)
	}
	if res.queued(k) {
		return fmt.Errorf("%s resource %q: already requested: %w", cause, name, ErrBusy)
	}
	if err := res.m.Allowed(k); err != nil {
		return fmt.Errorf("%s resource %q: %w", cause, name, a.mapErr(res, err))
	}
	a.enqueue(res, &job{kind: jobEvent, event: k, cause: cause}, false)
	return nil
}

// mapErr turns a state-machine refusal into an agent error.
func (a *Agent) mapErr(res *resource, err error) error {
	switch {
	case errors.Is(err, resstate.ErrNotSupported):
		return fmt.Errorf("%w: %w", ErrNotSupported, err)
	case res.m.State() != resstate.Online && res.m.State() != resstate.Offline &&
		res.m.State() != resstate.Faulted && res.m.State() != resstate.Probing:
		return fmt.Errorf("%w: it is %s", ErrBusy, res.m.Engine())
	}
	// The state machine's own wording (illegal transition: X in state Y)
	// stays out of what users read; the state is said in the vocabulary.
	return fmt.Errorf("%w: it is %s", ErrState, res.m.Engine())
}

func (a *Agent) lookup(name string) (*resource, error) {
	if a.stopping {
		return nil, fmt.Errorf("resource %q: %w", name, ErrStopped)
	}
	res, ok := a.res[name]
	if !ok || res.removed {
		return nil, fmt.Errorf("resource %q: %w", name, ErrUnknownResource)
	}
	return res, nil
}

// Action runs an action entry point for token and returns its result
// (output capped by the runner). The token must be in SupportedActions.
func (a *Agent) Action(ctx context.Context, name, token string, args []string) (ep.Result, error) {
	a.mu.Lock()
	res, err := a.lookup(name)
	if err != nil {
		a.mu.Unlock()
		return ep.Result{}, err
	}
	sa, _ := res.r.Attr("SupportedActions")
	if !slices.Contains(sa.List, token) || !a.o.Impl.Has(ep.Action) {
		a.mu.Unlock()
		return ep.Result{}, fmt.Errorf("action %q of resource %q: %w", token, name, ErrNotSupported)
	}
	done := make(chan actionReply, 1)
	a.enqueue(res, &job{kind: jobAction, token: token, args: args, done: done, cause: "action"}, false)
	a.mu.Unlock()
	select {
	case rep := <-done:
		return rep.res, rep.err
	case <-ctx.Done():
		return ep.Result{Outcome: ep.Canceled, Err: ctx.Err()}, fmt.Errorf("action %q of resource %q: %w", token, name, ctx.Err())
	}
}

// RefreshInfo runs the info entry point now (ONLINE resources only).
func (a *Agent) RefreshInfo(name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, err := a.lookup(name)
	if err != nil {
		return err
	}
	if !a.o.Impl.Has(ep.Info) {
		return fmt.Errorf("refresh info of resource %q: %w", name, ErrNotSupported)
	}
	if st := res.m.Engine(); st.State != state.Online {
		return fmt.Errorf("refresh info of resource %q (%s): %w", name, st, ErrState)
	}
	a.enqueue(res, &job{kind: jobInfo, cause: "refreshinfo"}, false)
	return nil
}

// MonitorNow queues an immediate monitor (an IMF event); it is coalesced
// with a monitor already queued, and ignored for resources not being
// monitored.
func (a *Agent) MonitorNow(name string, cause string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, ok := a.res[name]
	if !ok || a.stopping || res.m.Allowed(resstate.MonitorResult) != nil {
		return
	}
	for _, j := range res.queue {
		if j.kind == jobMonitor {
			return // one queued monitor will see the change
		}
	}
	// Unlike a periodic monitor, an event during a running monitor is
	// kept: that monitor may have looked before the change.
	a.enqueue(res, &job{kind: jobMonitor, due: a.o.Clock.Now(), cause: cause}, false)
}
