package imf

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// ExitCritical is imf_getnotification's exit code for a critical failure:
// IMF is disabled for the type until the agent restarts (design.md §3).
const ExitCritical = ep.IMFCritical

// ScriptOptions are how a script agent's IMF entry points run.
type ScriptOptions struct {
	// Impl runs imf_init and imf_register.
	Impl ep.Implementation
	// Build builds an entry point's request for a resource (argv in the
	// agent's registration version; agent.BuildRequest).
	Build func(n ep.Name, r *model.Resource, x arglist.Extra) (ep.Request, error)
	// Start starts imf_getnotification; each output line goes to lines.
	// Canceling ctx kills it.
	Start func(ctx context.Context, req ep.Request, lines func([]byte)) (ep.Long, error)
	// Backoff is the first delay before restarting imf_getnotification
	// (default 1 s); it doubles up to MaxBackoff (default 1 min).
	Backoff, MaxBackoff time.Duration
}

// ScriptIMF is the IMF of an agent that supplies imf_register and
// imf_getnotification (and optionally imf_init) instead of
// amfregister.xml, by the protocol of design.md §3: a script agent's entry
// points, or a Go agent implementing sdk.IMF, in the daemon
// (plugins/sdk/inproc) or as a plugin (plugins/host), whose
// IMFNotifications stream plays imf_getnotification. It implements
// agent.IMF.
type ScriptIMF struct {
	*TypeIMF
	o        ScriptOptions
	mu       sync.Mutex
	disabled error                      // set by a failed imf_init or a critical exit
	last     map[string]*model.Resource // registered resources, for imf_register stop
	cancel   context.CancelFunc
	inited   chan struct{} // closed once imf_init has run (or failed)
	done     chan struct{}
}

// ForScript returns the IMF of a script agent with imf_* entry points.
// Bind starts it: imf_init, then imf_getnotification.
func (m *Manager) ForScript(typeName string, o ScriptOptions) *ScriptIMF {
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	s := &ScriptIMF{TypeIMF: &TypeIMF{m: m, name: typeName}, o: o, last: map[string]*model.Resource{},
		inited: make(chan struct{}), done: make(chan struct{})}
	m.mu.Lock()
	m.scripts = append(m.scripts, s)
	m.mu.Unlock()
	return s
}

// Bind sets the agent's MonitorNow and starts the type's IMF: imf_init
// (when the agent has it), then imf_getnotification, restarted with
// capped exponential backoff.
func (s *ScriptIMF) Bind(monitorNow func(resource, cause string)) {
	s.TypeIMF.Bind(monitorNow)
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	go s.run(ctx)
}

func (s *ScriptIMF) log() *zap.Logger { return s.m.o.Logger.With(zap.String("type", s.name)) }

// disable turns IMF off for the type and says so once.
func (s *ScriptIMF) disable(err error) {
	s.mu.Lock()
	s.disabled = err
	s.mu.Unlock()
	s.log().Warn("script IMF disabled for the type; its resources are polled", zap.Error(err))
	s.m.o.Publish(events.Event{Kind: events.KindIMFFallback, Type: s.name, Cause: "script", Detail: err.Error()})
}

// run is imf_init and the imf_getnotification loop.
func (s *ScriptIMF) run(ctx context.Context) {
	defer close(s.done)
	if s.o.Impl.Has(ep.IMFInit) {
		res := s.o.Impl.Run(ctx, ep.Request{EP: ep.IMFInit, Type: s.name, Args: []string{s.name}, Timeout: time.Minute})
		if res.Outcome != ep.Exited || res.ExitCode != 0 {
			s.disable(fmt.Errorf("imf_init of type %q: %s exit %d: %w", s.name, res.Outcome, res.ExitCode, ErrUnavailable))
			close(s.inited)
			return
		}
	}
	close(s.inited)
	backoff := s.o.Backoff
	for first := true; ; first = false {
		if !first {
			// A restarted notifier may have missed events: monitor every
			// registered resource of the type now.
			s.rescan("imf_getnotification restarted")
		}
		req := ep.Request{EP: ep.IMFGetNotification, Type: s.name, Args: []string{s.name}}
		p, err := s.o.Start(ctx, req, s.line)
		var res ep.Result
		if err != nil {
			res = ep.Result{Outcome: ep.ExecError, Err: err}
		} else {
			res = p.Result()
		}
		if ctx.Err() != nil {
			return
		}
		if res.Outcome == ep.Exited && res.ExitCode == ExitCritical {
			s.disable(fmt.Errorf("imf_getnotification of type %q: critical failure (exit %d): %w", s.name, ExitCritical, ErrUnavailable))
			return
		}
		s.log().Warn("imf_getnotification ended; restarting", zap.String("outcome", res.Outcome.String()),
			zap.Int("exit", res.ExitCode), zap.Duration("after", backoff), zap.Error(res.Err))
		select {
		case <-ctx.Done():
			return
		case <-s.m.o.Clock.After(backoff):
		}
		backoff = min(2*backoff, s.o.MaxBackoff)
	}
}

// line handles one line of imf_getnotification: a resource name,
// optionally followed by online or offline.
func (s *ScriptIMF) line(b []byte) {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return
	}
	s.m.mu.Lock()
	reg, ok := s.m.res[f[0]]
	if ok {
		ok = reg.t == s.TypeIMF
		reg.events++
	}
	s.m.mu.Unlock()
	if !ok {
		s.log().Debug("imf_getnotification names an unregistered resource", zap.String("line", string(b)))
		return
	}
	s.m.o.Publish(events.Event{Kind: events.KindIMFEvent, Resource: f[0], Type: s.name, Cause: "imf_getnotification",
		Detail: strings.Join(f, " ")})
	s.monitorNow(f[0])
}

// rescan asks for a monitor of every registered resource of the type.
func (s *ScriptIMF) rescan(why string) {
	var names []string
	s.m.mu.Lock()
	for name, reg := range s.m.res {
		if reg.t == s.TypeIMF && reg.failed == "" {
			names = append(names, name)
		}
	}
	s.m.mu.Unlock()
	s.m.o.Publish(events.Event{Kind: events.KindIMFRescan, Type: s.name, Cause: "script",
		Detail: fmt.Sprintf("%s; monitoring %d resource(s) now", why, len(names))})
	for _, n := range names {
		s.monitorNow(n)
	}
}

// Register runs imf_register <res> start <online|offline> <ArgListValues>;
// exit 0 means registered. It waits for imf_init, which Bind starts (the
// daemon binds before the agent starts, so before any registration).
func (s *ScriptIMF) Register(r *model.Resource, online bool) error {
	m := s.m
	reg := &registration{t: s.TypeIMF, resource: r.Name, online: online, since: m.o.Clock.Now()}
	<-s.inited // imf_init comes first (Bind starts it)
	s.mu.Lock()
	err := s.disabled
	s.mu.Unlock()
	if err == nil {
		err = s.call(r, true, online)
	}
	m.mu.Lock()
	if prev := m.res[r.Name]; prev != nil && err != nil {
		reg.failures = prev.failures + 1
	} else if err != nil {
		reg.failures = 1
	}
	if err != nil {
		reg.failed = err.Error()
	}
	m.res[r.Name] = reg
	m.mu.Unlock()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.last[r.Name] = r
	s.mu.Unlock()
	m.o.Publish(events.Event{Kind: events.KindIMFRegistered, Resource: r.Name, Type: s.name, Cause: "imf",
		Detail: "registered for " + stateWord(online) + " monitoring by imf_register"})
	return nil
}

// call runs imf_register for r.
func (s *ScriptIMF) call(r *model.Resource, on, online bool) error {
	req, err := s.o.Build(ep.IMFRegister, r, arglist.Extra{MonitorOn: on, StateOnline: online})
	if err != nil {
		return fmt.Errorf("imf_register resource %q: %w", r.Name, err)
	}
	res := s.o.Impl.Run(context.Background(), req)
	if res.Outcome != ep.Exited || res.ExitCode != 0 {
		return fmt.Errorf("imf_register resource %q %s: %s exit %d", r.Name, map[bool]string{true: "start", false: "stop"}[on],
			res.Outcome, res.ExitCode)
	}
	return nil
}

// Unregister runs imf_register <res> stop for a registered resource.
func (s *ScriptIMF) Unregister(name string) {
	s.mu.Lock()
	r := s.last[name]
	delete(s.last, name)
	s.mu.Unlock()
	s.m.mu.Lock()
	reg := s.m.res[name]
	s.m.mu.Unlock()
	if r != nil && reg != nil && reg.failed == "" {
		if err := s.call(r, false, reg.online); err != nil {
			s.log().Warn("imf unregistration failed", zap.String("resource", name), zap.Error(err))
		}
	}
	s.m.Unregister(name, true)
}

// Close stops imf_getnotification and waits for it.
func (s *ScriptIMF) Close() {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-s.done
}
