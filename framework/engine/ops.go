package engine

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

func (e *Engine) group(name string) (*model.Group, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.topo().Groups[name]
	if g == nil {
		return nil, notFound("group", name)
	}
	return g, nil
}

func (e *Engine) resource(name string) (*model.Resource, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.topo().Resources[name]
	if r == nil {
		return nil, notFound("resource", name)
	}
	return r, nil
}

// checkGroupOnline returns why group g may not go online now, if anything.
func (e *Engine) checkGroupOnline(g *model.Group) error {
	if !e.onSystem(g) {
		return errorf(ErrConflict, "group %q is not configured on system %q", g.Name, e.o.System)
	}
	if !e.gconf(g).Enabled() {
		return errorf(ErrConflict, "group %q is disabled (Enabled = 0)", g.Name)
	}
	if err := e.checkNotFrozen(g, fmt.Sprintf("online group %q", g.Name)); err != nil {
		return err
	}
	for _, r := range g.Resources {
		if st, ok := e.status(r); ok && st.State.State == state.Faulted && e.conf(r).enabled() {
			return errorf(ErrConflict, "group %q cannot go online: resource %q is faulted; clear it first (vigil res clear %s)",
				g.Name, r.Name, r.Name)
		}
	}
	for _, d := range g.Requires {
		child, ok := e.topo().Groups[d.Child]
		if !ok {
			continue
		}
		if d.Location != "local" { // known only through the Placement (placement.go)
			if d.Category == "online" && !e.remoteGroupOnline(child, d.Location) {
				return errorf(ErrConflict, "group %q requires group %q online (%s); it is not", g.Name, d.Child, depString(d))
			}
			if on := e.remoteOnlineAt(child); d.OfflineBlocks(on, e.o.System) {
				return errorf(ErrConflict, "group %q requires group %q offline (%s); it is online on system %q",
					g.Name, d.Child, depString(d), on)
			}
			continue
		}
		st := e.groupState(child).State
		switch {
		case d.Category == "online" && st != state.GroupOnline:
			return errorf(ErrConflict, "group %q requires group %q online (%s); it is %s",
				g.Name, d.Child, depString(d), st)
		case d.Category == "offline" && st != state.GroupOffline:
			return errorf(ErrConflict, "group %q requires group %q offline (%s); it is %s",
				g.Name, d.Child, depString(d), st)
		}
	}
	for _, l := range dependents(e.topo(), g.Name) {
		if on := e.remoteOnlineAt(e.topo().Groups[l.Parent]); l.Dep.OfflineBlocks(on, e.o.System) {
			return errorf(ErrConflict, "group %q is required offline by group %q (%s), which is online on system %q",
				g.Name, l.Parent, depString(l.Dep), on)
		}
	}
	return nil
}

// checkGroupOffline returns why group g may not go offline now: a parent
// group that depends on it online with firm or hard rigidity is not offline.
func (e *Engine) checkGroupOffline(g *model.Group) error {
	for _, l := range dependents(e.topo(), g.Name) {
		if l.Dep.Category != "online" || l.Dep.Location != "local" || rigidity(l.Dep) == "soft" {
			continue
		}
		if st := e.groupState(e.topo().Groups[l.Parent]).State; st != state.GroupOffline {
			return errorf(ErrConflict, "group %q is required online by group %q (%s), which is %s",
				g.Name, l.Parent, depString(l.Dep), st)
		}
	}
	return nil
}

// OnlineGroup brings a group online in dependency order. With wait it
// returns when the group is ONLINE or the operation failed.
func (e *Engine) OnlineGroup(ctx context.Context, name string, wait bool) error {
	return e.onlineGroup(ctx, name, wait, "admin")
}

func (e *Engine) onlineGroup(ctx context.Context, name string, wait bool, cause string) error {
	g, err := e.group(name)
	if err != nil {
		return err
	}
	if err := e.awaitProbes(ctx, fmt.Sprintf("online group %q", name)); err != nil {
		return err
	}
	if err := e.checkGroupOnline(g); err != nil {
		return err
	}
	if err := e.acquire(ctx, g); err != nil {
		return err
	}
	op, err := e.groupRequest(ctx, name, "online", errorf(ErrConflict, "superseded by a request to bring group %q online", name), func(ctx context.Context) error {
		e.clearGroupFault(name)
		return e.onlineResources(ctx, g.Resources, cause)
	})
	if err != nil {
		return err
	}
	if !wait {
		return nil
	}
	if err := op.wait(ctx); err != nil {
		return fmt.Errorf("online group %q: %w", name, err)
	}
	return nil
}

// OfflineGroup takes a group offline, parents before children.
func (e *Engine) OfflineGroup(ctx context.Context, name string, wait bool) error {
	g, err := e.group(name)
	if err != nil {
		return err
	}
	if !e.onSystem(g) {
		return errorf(ErrConflict, "group %q is not configured on system %q", g.Name, e.o.System)
	}
	if err := e.awaitProbes(ctx, fmt.Sprintf("offline group %q", name)); err != nil {
		return err
	}
	if err := e.checkNotFrozen(g, fmt.Sprintf("offline group %q", name)); err != nil {
		return err
	}
	if err := e.checkGroupOffline(g); err != nil {
		return err
	}
	op, err := e.groupRequest(ctx, name, "offline", errorf(ErrConflict, "superseded by a request to take group %q offline", name), func(ctx context.Context) error {
		if err := e.offlineResources(ctx, g.Resources, "admin"); err != nil {
			return err
		}
		e.released(g, ReleaseAdmin)
		return nil
	})
	if err != nil {
		return err
	}
	if !wait {
		return nil
	}
	if err := op.wait(ctx); err != nil {
		return fmt.Errorf("offline group %q: %w", name, err)
	}
	return nil
}

// OnlineResource brings one resource online; every resource it requires must
// already be ONLINE.
func (e *Engine) OnlineResource(ctx context.Context, name string, wait bool) error {
	r, err := e.resource(name)
	if err != nil {
		return err
	}
	if err := e.awaitProbes(ctx, fmt.Sprintf("online resource %q", name)); err != nil {
		return err
	}
	if err := e.checkNotFrozen(r.Group, fmt.Sprintf("online resource %q", name)); err != nil {
		return err
	}
	c := e.conf(r)
	if !c.enabled() {
		return errorf(ErrConflict, "resource %q is disabled (Enabled = 0)", name)
	}
	if c.operations() == opsNone {
		return errorf(ErrConflict, "resource %q of type %s cannot be brought online (Operations = None)",
			name, r.Type.Name)
	}
	if st, _ := e.status(r); st.State == (state.ResourceState{State: state.Online}) {
		return nil // already there
	}
	if child := e.firstChildNotOnline(r); child != nil {
		return errorf(ErrConflict, "resource %q requires resource %q online first", name, child.Name)
	}
	if err := e.acquireFor(ctx, r); err != nil {
		return err
	}
	s := &stepper{e: e, verb: "online", requested: map[string]request{}}
	if err := s.command(r, "admin"); err != nil {
		return err
	}
	if !wait {
		return nil
	}
	return e.waitResource(ctx, s, r, state.Online)
}

// OfflineResource takes one resource offline; no resource requiring it may
// be ONLINE.
func (e *Engine) OfflineResource(ctx context.Context, name string, wait bool) error {
	r, err := e.resource(name)
	if err != nil {
		return err
	}
	if err := e.awaitProbes(ctx, fmt.Sprintf("offline resource %q", name)); err != nil {
		return err
	}
	if err := e.checkNotFrozen(r.Group, fmt.Sprintf("offline resource %q", name)); err != nil {
		return err
	}
	if ops := e.conf(r).operations(); ops != opsOnOff {
		return errorf(ErrConflict, "resource %q of type %s cannot be taken offline (Operations = %s)",
			name, r.Type.Name, ops)
	}
	if st, _ := e.status(r); st.State == (state.ResourceState{State: state.Offline}) {
		return nil // already there
	}
	if p := e.firstParentOnline(r); p != nil {
		return errorf(ErrConflict, "resource %q is required by online resource %q; take it offline first",
			name, p.Name)
	}
	s := &stepper{e: e, verb: "offline", requested: map[string]request{}}
	if err := s.command(r, "admin"); err != nil {
		return err
	}
	if !wait {
		return nil
	}
	return e.waitResource(ctx, s, r, state.Offline)
}

func (e *Engine) waitResource(ctx context.Context, s *stepper, r *model.Resource, want state.Resource) error {
	for {
		ch := e.changes()
		st, _ := e.status(r)
		if st.State.State == want {
			return nil
		}
		if st.State.State == state.Faulted {
			return errorf(ErrFailed, "resource %q is faulted", r.Name)
		}
		if _, err := s.pending(r, e.clk.Now()); err != nil {
			return err
		}
		if err := s.waitNext(ctx, ch); err != nil {
			return err
		}
	}
}

// handleFault reacts to a resource fault: a Critical fault (of the resource
// or of one that depends on it) takes the whole group offline and faults it,
// then takes down groups depending on it firm or hard; otherwise only the
// resources depending on the faulted one go offline.
func (e *Engine) handleFault(r *model.Resource, ev events.Event) {
	g := r.Group
	if g == nil {
		return
	}
	if e.frozen(g) {
		// Frozen: the fault is reported (by the agent), nothing is done.
		e.publish(events.Event{Kind: events.KindInfo, Resource: r.Name, Type: r.Type.Name, Group: g.Name,
			Cause: "fault", Detail: fmt.Sprintf("group %q is frozen: no fault action", g.Name)})
		return
	}
	if !e.faultTakesGroup(r) {
		anc := ancestors(r)
		if len(anc) == 0 {
			return
		}
		e.publish(events.Event{Kind: events.KindPropagate, Resource: r.Name, Type: r.Type.Name, Group: g.Name,
			Cause: "fault", Detail: fmt.Sprintf("taking %d dependent resource(s) offline", len(anc))})
		op := e.startGroupOp(g.Name, "offline", errorf(ErrFailed, "resource %q faulted", r.Name), func(ctx context.Context) error {
			return e.offlineResources(ctx, anc, "fault")
		})
		e.logOp(op, g.Name, "offline dependents")
		return
	}
	e.faultGroup(g, fmt.Sprintf("critical resource %q faulted", r.Name))
}

// faultGroup takes a group offline after a fault and propagates to parents.
func (e *Engine) faultGroup(g *model.Group, why string) {
	e.mu.Lock()
	already := e.groups[g.Name].faulted
	e.groups[g.Name].faulted = true
	e.mu.Unlock()
	if already {
		return
	}
	e.publish(events.Event{Kind: events.KindGroupFault, Group: g.Name, Cause: "fault", Detail: why})
	op := e.startGroupOp(g.Name, "offline", errorf(ErrFailed, "group %q faulted: %s", g.Name, why), func(ctx context.Context) error {
		if err := e.offlineResources(ctx, g.Resources, "fault"); err != nil {
			return err
		}
		e.released(g, ReleaseFault)
		return nil
	})
	e.logOp(op, g.Name, "offline after fault")
	go func() {
		<-op.done // a later fault faults the group again
		e.clearGroupFault(g.Name)
	}()
	for _, l := range dependents(e.topo(), g.Name) {
		if l.Dep.Category != "online" || l.Dep.Location != "local" || rigidity(l.Dep) == "soft" {
			continue
		}
		parent := e.topo().Groups[l.Parent]
		if parent == nil || e.frozen(parent) || e.groupState(parent).State == state.GroupOffline {
			continue // a frozen group is left as it is
		}
		e.faultGroup(parent, fmt.Sprintf("required group %q faulted (%s)", g.Name, depString(l.Dep)))
	}
}

func (e *Engine) clearGroupFault(name string) {
	e.mu.Lock()
	e.groups[name].faulted = false
	e.mu.Unlock()
}

func (e *Engine) logOp(op *opResult, group, what string) {
	go func() {
		<-op.done
		if op.err != nil {
			e.log.Warn(what+" failed", zap.String("group", group), zap.Error(op.err))
		}
	}()
}

// wantOnline reports whether AutoStart should bring group g online here.
func (e *Engine) wantOnline(g *model.Group) bool {
	if !e.onSystem(g) || !e.gconf(g).Enabled() || e.frozen(g) || e.placed(g) {
		return false
	}
	e.mu.Lock()
	in, ok := e.intent[g.Name]
	e.mu.Unlock()
	if ok {
		return in == "online"
	}
	if e.gconf(g).Attrs["AutoStart"].Scalar == "0" {
		return false
	}
	for _, s := range g.AutoStartList() {
		if s == e.o.System {
			return true
		}
	}
	return false
}

// autoStart brings online the groups that should be, children groups first
// and independent groups in parallel.
func (e *Engine) autoStart(ctx context.Context) {
	order, _ := groupOrder(e.topo())
	done := map[string]chan struct{}{}
	for _, name := range order {
		g := e.topo().Groups[name]
		ch := make(chan struct{})
		done[name] = ch
		var deps []chan struct{}
		for _, d := range g.Requires {
			if c, ok := done[d.Child]; ok {
				deps = append(deps, c)
			}
		}
		want := e.wantOnline(g)
		e.bg.Add(1)
		go func() {
			defer e.bg.Done()
			defer close(ch)
			for _, c := range deps {
				<-c
			}
			if !want || e.busy(name) {
				return // not wanted, or an administrator got there first
			}
			if e.groupState(g).State == state.GroupOnline {
				return
			}
			if err := e.onlineGroup(ctx, name, true, "autostart"); err != nil {
				e.log.Warn("autostart failed", zap.String("group", name), zap.Error(err))
				e.publish(events.Event{Kind: events.KindAutoStartFailed, Group: name, Cause: "autostart", Detail: err.Error()})
			}
		}()
	}
}

// busy reports whether the group runs an operation or an administrator has
// set its intent since start.
func (e *Engine) busy(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.groups[name].op != "" || e.touched[name]
}

func (e *Engine) touch(name string) {
	e.mu.Lock()
	e.touched[name] = true
	e.mu.Unlock()
}
