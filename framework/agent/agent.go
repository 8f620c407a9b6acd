package agent

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// Errors of the agent API, wrapped with the resource name.
var (
	ErrUnknownResource = errors.New("unknown resource")
	ErrExists          = errors.New("resource already exists")
	ErrDisabled        = errors.New("resource is disabled")
	ErrNotSupported    = errors.New("not supported")
	ErrBusy            = errors.New("resource is busy")
	ErrState           = errors.New("not allowed in the current state")
	ErrStopped         = errors.New("agent is stopped")
)

// ArgsExtra carries the per-call arguments that are not attributes.
type ArgsExtra = arglist.Extra

// IMF registers resources with an intelligent-monitoring source. Register
// is called once the state machine sees a steady state; an error counts
// against RegisterRetryLimit.
type IMF interface {
	Register(r *model.Resource, online bool) error
	Unregister(name string)
}

// Options configure an Agent.
type Options struct {
	Type *model.Type
	// Snapshot returns the configuration in force, an immutable snapshot
	// (engine.Engine.Snapshot). Each entry point's request is built against
	// the snapshot current when the request is built: its resource's
	// attributes and every Ref:Attr entry come from that one snapshot. Nil
	// uses the resources as handed to Add and Update, without Ref:Attr
	// targets (tests).
	Snapshot func() *model.Config
	Impl     ep.Implementation
	Clock    clock.Clock
	Logger   *zap.Logger
	// Notify is called for every state change, fault, restart, clean and
	// monitor timeout; it must not block long.
	Notify func(events.Event)
	// Args builds the argv of an entry point; nil uses arglist.ForEPVersion
	// with ArgVersion.
	Args func(epName ep.Name, r *model.Resource, extra ArgsExtra) ([]string, error)
	// ArgVersion is the registration version whose argv the entry points
	// expect (V40 positional, V50 tuples). Zero asks Impl when it implements
	// arglist.Versioned (runner.Script does), else V50.
	ArgVersion arglist.Version
	// Observe, when set, sees every entry point run (metrics, statistics).
	// It is called from the worker that ran it and must not block long.
	Observe func(ep.Observation)
	// MonitorDone, when set, sees every completed monitor cycle with the
	// resource's state and attributes (the monitor statistics). It is
	// called from the worker before the result is applied and must not
	// block long.
	MonitorDone func(MonitorCycle)
	// IMF, when set, is called to register and unregister resources.
	IMF IMF
	// Env, when set, returns environment entries added to every entry
	// point's request for a resource (the cluster's fencing token).
	Env func(r *model.Resource) []string
	// Debug writes the state machine's per-cycle step lines to the agent
	// log for every resource (vigil agent --debug); without it they are
	// written only for types whose LogDbg is not empty.
	Debug bool
	// TimeUnit is the length of one attribute second (intervals, timeouts,
	// the wait online asks for). Zero means time.Second; tests use a few
	// milliseconds to run real scenarios quickly.
	TimeUnit time.Duration
}

// Status is the agent's view of one resource.
type Status struct {
	Resource, Type string
	State          state.ResourceState // engine-visible state and flags
	Internal       string              // agent-internal state name
	Confidence     int
	LastMonitor    time.Time
	Counters       map[string]int
	ResourceInfo   map[string]string
	Enabled        bool
}

// Agent runs the resources of one type.
type Agent struct {
	o       Options
	log     *zap.Logger
	unit    time.Duration
	threads int

	mu       sync.Mutex
	cond     *sync.Cond
	res      map[string]*resource
	ready    readyQueues // resources with a job to run (ready.go)
	started  bool
	stopping bool
	active   int // jobs queued or running, for tests
	workers  int
	wg       sync.WaitGroup
	runCtx   context.Context
	cancel   context.CancelFunc

	monitorDelay func(late time.Duration) // test hook: called as each periodic monitor starts
}

// New checks the options and returns an agent; Start starts its workers.
func New(o Options) (*Agent, error) {
	if o.Type == nil || o.Impl == nil {
		return nil, fmt.Errorf("agent: type and entry-point implementation are required")
	}
	if !o.Impl.Has(ep.Monitor) {
		return nil, fmt.Errorf("agent for type %q: monitor entry point: %w", o.Type.Name, ErrNotSupported)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.TimeUnit <= 0 {
		o.TimeUnit = time.Second
	}
	if o.ArgVersion == 0 {
		o.ArgVersion = arglist.V50
		if v, ok := o.Impl.(arglist.Versioned); ok && v.Version() != 0 {
			o.ArgVersion = v.Version()
		}
	}
	n := 10
	if v, ok := o.Type.StaticValue("NumThreads"); ok {
		fmt.Sscan(v.Scalar, &n)
	}
	a := &Agent{o: o, log: o.Logger.With(zap.String("type", o.Type.Name)), unit: o.TimeUnit,
		threads: min(max(n, 1), 30), res: map[string]*resource{}}
	a.cond = sync.NewCond(&a.mu)
	a.runCtx, a.cancel = context.WithCancel(context.Background())
	return a, nil
}

// ArgVersion returns the registration version the agent builds argv for.
func (a *Agent) ArgVersion() arglist.Version { return a.o.ArgVersion }

// Start starts the workers. Resources added before Start are opened and
// probed now; resources added later at once.
func (a *Agent) Start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started || a.stopping {
		return
	}
	a.started = true
	a.grow()
	a.cond.Broadcast()
}

// grow starts workers up to min(NumThreads, number of resources), at least
// one, as VCS creates service threads when resources are added. Workers are
// not stopped when resources go. Callers hold a.mu.
func (a *Agent) grow() {
	for a.started && !a.stopping && a.workers < min(a.threads, max(1, len(a.res))) {
		a.workers++
		a.wg.Add(1)
		go a.worker()
	}
}

// Stop stops scheduling, waits for running entry points (cancelling them
// when ctx ends), then runs the shutdown entry point.
func (a *Agent) Stop(ctx context.Context) error {
	a.mu.Lock()
	if a.stopping {
		a.mu.Unlock()
		return ErrStopped
	}
	a.stopping = true
	for _, res := range a.res {
		res.stopTimers()
		res.failActions(ErrStopped)
	}
	a.cond.Broadcast()
	a.mu.Unlock()

	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		a.cancel()
		<-done
		err = fmt.Errorf("agent for type %q: stop: %w", a.o.Type.Name, ctx.Err())
	}
	a.cancel()
	if a.o.Impl.Has(ep.Shutdown) {
		r := &model.Resource{Name: "", Type: a.o.Type}
		res := a.o.Impl.Run(context.Background(), ep.Request{EP: ep.Shutdown, Type: a.o.Type.Name,
			Timeout: a.scale(arglist.Timeout(ep.Shutdown, r))})
		if res.Outcome != ep.Exited || res.ExitCode != 0 {
			a.log.Warn("shutdown entry point failed", zap.String("outcome", res.Outcome.String()),
				zap.Int("exit", res.ExitCode))
		}
	}
	return err
}

// scale converts an attribute duration in seconds into the agent's unit.
func (a *Agent) scale(d time.Duration) time.Duration {
	return d / time.Second * a.unit
}

// Status returns the status of one resource.
func (a *Agent) Status(name string) (Status, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	res, ok := a.res[name]
	if !ok {
		return Status{}, false
	}
	return res.status(), true
}

// List returns the status of every resource, sorted by name.
func (a *Agent) List() []Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Status, 0, len(a.res))
	for _, res := range a.res {
		out = append(out, res.status())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

func (res *resource) status() Status {

	info := map[string]string{}
	for k, v := range res.info {
		info[k] = v
	}
	return Status{Resource: res.name, Type: res.r.Type.Name, State: res.m.Engine(),
		Internal: res.m.State().String(), Confidence: res.m.Confidence(), LastMonitor: res.lastMonitor,
		Counters: res.m.Counters(), ResourceInfo: info, Enabled: res.enabled}
}
