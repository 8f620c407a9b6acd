package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// Options configure an Engine.
type Options struct {
	Config   *model.Config
	System   string // this node's name in main.cf
	Clock    clock.Clock
	Logger   *zap.Logger
	Bus      *events.Bus
	NewAgent AgentFactory
	// StateDir, when set, keeps the groups' intended states across restarts.
	StateDir string
	// Dump writes the configuration back (config.Dump); nil disables
	// persistence of modifications.
	Dump func(cfg *model.Config, dir string) error
	// ProbeWait bounds the wait for the first probe of every resource;
	// 0 derives it from the types' timeouts.
	ProbeWait time.Duration
	// Placement, when set, decides where failover groups may be online
	// (the cluster); nil is the single-node engine (see placement.go).
	Placement Placement
}

// Engine is the single-node engine. Its methods are safe for concurrent use.
type Engine struct {
	o   Options
	clk clock.Clock
	log *zap.Logger

	mu sync.Mutex
	// structure is the configuration whose structure (names, groups,
	// dependencies) the engine follows; it is replaced, with the tallies,
	// only by a structural change (structure.go). Read it with topo.
	structure atomic.Pointer[model.Config]
	agents    map[string]Agent // by type name
	groups    map[string]*groupRun
	intent    map[string]string // group -> "online" | "offline"
	changed   chan struct{}     // closed and replaced on every event
	fails     map[string]uint64 // resource -> seq of its last failure event
	stopped   bool
	probed    chan struct{}
	bg        sync.WaitGroup  // operations and AutoStart
	saveMu    sync.Mutex      // serialises writes of the intent file
	touched   map[string]bool // groups an administrator acted on since start
	// tallies keep each group's state up to date from resource events; the
	// map is built by New and replaced (copy on write) only by a structural
	// change (see tally.go, structure.go). Read it with tally.
	tallies atomic.Pointer[map[string]*groupTally]
	// snap is the configuration in force, an immutable snapshot; modifyMu
	// serialises the writers that replace it (see conf.go).
	snap     atomic.Pointer[model.Config]
	modifyMu sync.Mutex
}

// groupRun is the running operation of one group, if any.
type groupRun struct {
	op      string    // "online" | "offline" | ""
	key     string    // join key of the running operation (startGroupOpKey)
	res     *opResult // the running operation's result, nil when none runs
	cancel  context.CancelCauseFunc
	done    chan struct{}
	err     error
	faulted bool
}

// New returns an engine for a loaded configuration; Start runs it.
func New(o Options) (*Engine, error) {
	if o.Config == nil || o.NewAgent == nil || o.Bus == nil {
		return nil, errors.New("engine: Config, NewAgent and Bus are required")
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if _, err := groupOrder(o.Config); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &Engine{o: o, clk: o.Clock, log: o.Logger,
		agents: map[string]Agent{}, groups: map[string]*groupRun{},
		changed: make(chan struct{}), touched: map[string]bool{}, fails: map[string]uint64{},
		probed: make(chan struct{})}
	o.Config.SetLocal(o.System) // per-system values (Attr@sys) resolve for this node
	tallies := newTallies(o.Config)
	e.tallies.Store(&tallies)
	e.structure.Store(o.Config)
	e.snap.Store(o.Config)
	for _, g := range o.Config.GroupNames() {
		e.groups[g] = &groupRun{}
	}
	e.intent = loadIntent(o.StateDir, e.log)
	return e, nil
}

// System returns this node's name.
func (e *Engine) System() string { return e.o.System }

// onSystem reports whether group g is configured on this system.
func (e *Engine) onSystem(g *model.Group) bool {
	sl := g.SystemList()
	if len(sl) == 0 {
		return true
	}
	for _, kv := range sl {
		if kv.Key == e.o.System {
			return true
		}
	}
	return false
}

// managed returns the resources of groups on this system, sorted by name.
func (e *Engine) managed() []*model.Resource {
	var out []*model.Resource
	for _, n := range e.topo().ResourceNames() {
		r := e.topo().Resources[n]
		if r.Group == nil || e.onSystem(r.Group) {
			out = append(out, r)
		}
	}
	return out
}

// Start creates the agents, adds every resource (open + probe), waits for
// the probes and launches AutoStart. It returns once the probes are in (or
// their wait bound passed); AutoStart continues in the background.
func (e *Engine) Start(ctx context.Context) error {
	res := e.managed()
	byType := map[string][]*model.Resource{}
	for _, r := range res {
		byType[r.Type.Name] = append(byType[r.Type.Name], r)
	}
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, tn := range types {
		a, err := e.o.NewAgent(e.topo().Types[tn], AgentHooks{Notify: e.notify, Snapshot: e.Snapshot})
		if err != nil {
			// The type's resources stay UNKNOWN; the others are managed.
			e.log.Error("agent not started", zap.String("type", tn), zap.Error(err))
			e.publish(events.Event{Kind: events.KindAgentError, Type: tn, Cause: "start",
				Detail: fmt.Sprintf("agent for type %q not started: %v", tn, err)})
			continue
		}
		e.mu.Lock()
		e.agents[tn] = a
		e.mu.Unlock()
		e.publish(events.Event{Kind: events.KindEngine, Type: tn, Cause: "start",
			Detail: fmt.Sprintf("agent started for %d resource(s)", len(byType[tn]))})
	}
	var added []*model.Resource
	for _, r := range res {
		a := e.agents[r.Type.Name]
		if a == nil {
			continue
		}
		if err := a.Add(e.conf(r).Resource); err != nil {
			e.publish(events.Event{Kind: events.KindEPError, Resource: r.Name, Type: r.Type.Name,
				Group: groupName(r), Cause: "open", Detail: err.Error()})
			continue
		}
		added = append(added, r)
	}
	e.recount("probe")
	e.waitProbes(ctx, added)
	e.recount("probe")
	close(e.probed)
	e.publish(events.Event{Kind: events.KindEngine, Cause: "probe", Detail: "all resources probed"})
	e.autoStart(context.WithoutCancel(ctx))
	return nil
}

// probeBound is how long Start waits for the first probes.
func (e *Engine) probeBound(res []*model.Resource) time.Duration {
	if e.o.ProbeWait > 0 {
		return e.o.ProbeWait
	}
	d := 10 * time.Second
	for _, r := range res {
		c := e.conf(r)
		if t := time.Duration(c.Int("OpenTimeout")+c.Int("MonitorTimeout")) * time.Second; t > d {
			d = t
		}
	}
	return d + 5*time.Second
}

func (e *Engine) waitProbes(ctx context.Context, res []*model.Resource) {
	deadline := e.clk.After(e.probeBound(res))
	for {
		e.mu.Lock()
		ch := e.changed
		e.mu.Unlock()
		pending := ""
		for _, r := range res {
			if st, ok := e.status(r); e.conf(r).enabled() && (!ok || !probed(st)) {
				pending = r.Name
				break
			}
		}
		if pending == "" {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			e.log.Warn("probe wait bound passed", zap.String("resource", pending))
			return
		case <-ctx.Done():
			return
		}
	}
}

func probed(st agent.Status) bool { return st.State.State != state.Unknown || !st.LastMonitor.IsZero() }

// Probed is closed once Start has the first probe of every resource.
func (e *Engine) Probed() <-chan struct{} { return e.probed }

func groupName(r *model.Resource) string {
	if r.Group == nil {
		return ""
	}
	return r.Group.Name
}

// notify receives every agent event.
func (e *Engine) notify(ev events.Event) {
	e.mu.Lock()
	r := e.topo().Resources[ev.Resource]
	e.mu.Unlock()
	if r != nil && ev.Group == "" {
		ev.Group = groupName(r)
	}
	if r == nil || r.Group == nil {
		ev = e.publish(ev)
	} else {
		ev = e.resourceEvent(r, ev)
	}
	if r == nil {
		return
	}
	switch {
	case ev.Kind == events.KindOnlineFailed || ev.Kind == events.KindOfflineFailed || ev.Kind == events.KindEPError:
		e.mu.Lock()
		e.fails[r.Name] = ev.Seq
		e.mu.Unlock()
		e.wake() // a walk woken by the event itself may have missed the failure
	case ev.Kind == events.KindFault || (ev.Kind == events.KindState && ev.To == state.Faulted.String()):
		e.mu.Lock()
		e.fails[r.Name] = ev.Seq
		stopped := e.stopped
		e.mu.Unlock()
		e.wake()
		// The state change to FAULTED, not the fault notification, starts
		// the fault handling: its consequences must follow the state
		// change on the bus, whatever order the agent reports them in.
		if !stopped && ev.Kind == events.KindState {
			// In the caller's goroutine, so that what the fault causes (a
			// group fault, a propagation) is published after the event
			// itself and before the agent's next one. handleFault only
			// starts operations; it does not wait for them.
			e.handleFault(r, ev)
		}
	}
}

// publish stamps, logs and publishes an event and wakes every waiter.
func (e *Engine) publish(ev events.Event) events.Event {
	if ev.Time.IsZero() {
		ev.Time = e.clk.Now()
	}
	ev = e.o.Bus.Publish(ev)
	e.logEvent(ev)
	e.mu.Lock()
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
	return ev
}

// describe renders an event as one log line text.
func describe(ev events.Event) string {
	s := string(ev.Kind)
	if ev.From != "" || ev.To != "" {
		s += " " + ev.From + " -> " + ev.To
	}
	if ev.Cause != "" {
		s += " (" + ev.Cause + ")"
	}
	if ev.Detail != "" {
		s += ": " + ev.Detail
	}
	return s
}

// status returns the agent's status of a resource.
func (e *Engine) status(r *model.Resource) (agent.Status, bool) {
	e.mu.Lock()
	a := e.agents[r.Type.Name]
	e.mu.Unlock()
	if a == nil {
		return agent.Status{}, false
	}
	return a.Status(r.Name)
}

func (e *Engine) agentOf(r *model.Resource) (Agent, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.agents[r.Type.Name]
	if a == nil {
		return nil, errorf(ErrConflict, "resource %q is not managed on system %q", r.Name, e.o.System)
	}
	return a, nil
}

// Stop cancels running operations and stops every agent (running their
// shutdown entry points). Nothing is taken offline.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	e.stopped = true
	for _, g := range e.groups {
		if g.cancel != nil {
			g.cancel(errorf(ErrConflict, "engine is stopping"))
		}
	}
	e.mu.Unlock()
	idle := make(chan struct{})
	go func() { e.bg.Wait(); close(idle) }()
	select {
	case <-idle:
	case <-ctx.Done():
	}
	err := e.stopAgents(ctx)
	e.publish(events.Event{Kind: events.KindEngine, Cause: "stop", Detail: "agents stopped"})
	return err
}

func (e *Engine) stopAgents(ctx context.Context) error {
	e.mu.Lock()
	agents := make(map[string]Agent, len(e.agents))
	for k, v := range e.agents {
		agents[k] = v
	}
	e.mu.Unlock()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for tn, a := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.Stop(ctx); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("stop agent %q: %w", tn, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
