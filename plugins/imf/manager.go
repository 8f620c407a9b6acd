package imf

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/amfxml"
)

// ManagerOptions configure a Manager.
type ManagerOptions struct {
	Registry *Registry
	// Publish receives the typed IMF events (registered, unregistered,
	// event, rescan, fallback); it must not block long.
	Publish func(events.Event)
	Logger  *zap.Logger
	Clock   clock.Clock
}

// Manager registers resources with the plugins for the agents (one
// TypeIMF per type, which implements agent.IMF) and turns the plugins'
// notices into immediate monitors.
type Manager struct {
	o        ManagerOptions
	mu       sync.Mutex
	res      map[string]*registration // by resource name (unique across types)
	fellBack map[string]bool          // plugins whose unavailability was said
	scripts  []*ScriptIMF             // script agents' IMF, closed with the manager
}

// registration is one resource's registration (or its last failure).
type registration struct {
	t        *TypeIMF
	resource string
	online   bool
	plugins  []Plugin // watching, in spec order
	failed   string   // last error when not registered
	failures int      // consecutive failed registrations
	since    time.Time
	events   uint64
}

// NewManager returns a manager over the plugins of o.Registry.
func NewManager(o ManagerOptions) *Manager {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Publish == nil {
		o.Publish = func(events.Event) {}
	}
	if o.Registry == nil {
		o.Registry = NewRegistry()
	}
	return &Manager{o: o, res: map[string]*registration{}, fellBack: map[string]bool{}}
}

// TypeIMF registers the resources of one type with the descriptor's
// plugins; it implements agent.IMF.
type TypeIMF struct {
	m    *Manager
	name string
	desc *amfxml.Descriptor
	mu   sync.Mutex
	now  func(resource, cause string)
}

// ForType returns the IMF of a type whose agent carries the descriptor.
func (m *Manager) ForType(typeName string, d *amfxml.Descriptor) *TypeIMF {
	return &TypeIMF{m: m, name: typeName, desc: d}
}

// Bind sets how the type's agent is asked for an immediate monitor
// (agent.Agent.MonitorNow). Notices before Bind are dropped.
func (t *TypeIMF) Bind(monitorNow func(resource, cause string)) {
	t.mu.Lock()
	t.now = monitorNow
	t.mu.Unlock()
}

func (t *TypeIMF) monitorNow(resource string) {
	t.mu.Lock()
	f := t.now
	t.mu.Unlock()
	if f != nil {
		f(resource, "imf")
	}
}

// Register watches r for the state (online or offline) through every
// block of the descriptor for that state. It fails when the descriptor
// has no block for the state, a plugin is missing or unavailable, or there
// is nothing to watch (then a monitor is run at once: the resource has
// probably changed since the monitor that found it steady).
func (t *TypeIMF) Register(r *model.Resource, online bool) error {
	m := t.m
	blocks := t.desc.Resolve(r, online)
	reg := &registration{t: t, resource: r.Name, online: online, since: m.o.Clock.Now()}
	m.Unregister(r.Name, false)
	// The record goes in first, so that a notice arriving while the
	// plugins arm (the process dies at once) finds the resource.
	m.mu.Lock()
	if prev := m.res[r.Name]; prev != nil {
		reg.failures = prev.failures
	}
	m.res[r.Name] = reg
	m.mu.Unlock()
	plugin := t.name // what failed, for the fallback event
	err := func() error {
		if len(blocks) == 0 {
			return fmt.Errorf("imf register resource %q %s: %s: %w", r.Name, stateWord(online), t.desc.File, ErrNoDescriptor)
		}
		for _, b := range blocks {
			p, ok := m.o.Registry.Lookup(b.RegType)
			if !ok {
				return fmt.Errorf("imf register resource %q: RegType %s: %w: no plugin", r.Name, b.RegType, ErrUnavailable)
			}
			plugin = p.Name()
			m.mu.Lock()
			reg.plugins = append(reg.plugins, p)
			m.mu.Unlock()
			if err := p.Watch(Spec{Resource: r.Name, Type: t.name, RegType: b.RegType, Tags: b.Tags, Lists: b.Lists}); err != nil {
				return fmt.Errorf("imf register resource %q: %w", r.Name, err)
			}
		}
		return nil
	}()
	m.mu.Lock()
	var undo []Plugin
	if err != nil {
		undo, reg.plugins, reg.failed = reg.plugins, nil, err.Error()
		reg.failures++
	} else {
		reg.failures = 0
	}
	m.mu.Unlock()
	for _, p := range undo {
		p.Unwatch(r.Name)
	}
	switch {
	case err == nil:
		m.o.Publish(events.Event{Kind: events.KindIMFRegistered, Resource: r.Name, Type: t.name, Cause: "imf",
			Detail: "registered for " + stateWord(online) + " monitoring: " + m.what(r.Name)})
	case errors.Is(err, ErrUnavailable):
		m.fallback(reg, plugin, err)
	case errors.Is(err, ErrNothingToWatch):
		go t.monitorNow(r.Name)
	}
	return err
}

func stateWord(online bool) string {
	if online {
		return "online"
	}
	return "offline"
}

// fallback says once per plugin that it cannot work here.
func (m *Manager) fallback(reg *registration, key string, err error) {
	m.mu.Lock()
	said := m.fellBack[key]
	m.fellBack[key] = true
	m.mu.Unlock()
	if said {
		return
	}
	m.o.Logger.Warn("IMF source unavailable; its resources are polled at the normal interval",
		zap.String("plugin", key), zap.Error(err))
	m.o.Publish(events.Event{Kind: events.KindIMFFallback, Resource: reg.resource, Type: reg.t.name, Cause: key,
		Detail: err.Error()})
}

// Unregister ends the registration of a resource (agent.IMF).
func (t *TypeIMF) Unregister(name string) { t.m.Unregister(name, true) }

// Unregister ends the watches of a resource; publish says whether to
// publish the unregistered event.
func (m *Manager) Unregister(name string, publish bool) {
	m.mu.Lock()
	reg, ok := m.res[name]
	if ok && publish {
		delete(m.res, name)
	}
	m.mu.Unlock()
	if !ok {
		return
	}
	for _, p := range reg.plugins {
		p.Unwatch(name)
	}
	if publish && reg.failed == "" {
		m.o.Publish(events.Event{Kind: events.KindIMFUnregistered, Resource: name, Type: reg.t.name, Cause: "imf"})
	}
}

// Notice handles a plugin's notice: an IMF event asks for a monitor of
// the resource; a rescan for a monitor of every resource of the plugin.
// Give it to the plugins as their Notify.
func (m *Manager) Notice(n Notice) {
	if !n.Rescan {
		m.mu.Lock()
		reg, ok := m.res[n.Resource]
		if ok {
			reg.events++
		}
		m.mu.Unlock()
		if !ok {
			return // unregistered meanwhile
		}
		m.o.Publish(events.Event{Kind: events.KindIMFEvent, Resource: n.Resource, Type: reg.t.name, Cause: n.Plugin, Detail: n.Detail})
		reg.t.monitorNow(n.Resource)
		return
	}
	var regs []*registration
	m.mu.Lock()
	for _, reg := range m.res {
		for _, p := range reg.plugins {
			if p.Name() == n.Plugin {
				regs = append(regs, reg)
				break
			}
		}
	}
	m.mu.Unlock()
	m.o.Publish(events.Event{Kind: events.KindIMFRescan, Cause: n.Plugin,
		Detail: fmt.Sprintf("%s; monitoring %d resource(s) now", n.Detail, len(regs))})
	for _, reg := range regs {
		reg.t.monitorNow(reg.resource)
	}
}

// what describes the watches of a registered resource.
func (m *Manager) what(resource string) string {
	var out []string
	for _, p := range m.o.Registry.Plugins() {
		for _, w := range p.Status().Watches {
			if w.Resource == resource {
				out = append(out, w.RegType+" "+w.What)
			}
		}
	}
	return strings.Join(out, "; ")
}

// Registration is one resource's registration for `vigil imf status`.
type Registration struct {
	Resource, Type string
	Online         bool
	Registered     bool
	Failures       int    // consecutive failed registrations
	Error          string // last failure, when not registered
	Since          time.Time
	Events         uint64
}

// Registrations lists the resources registered (or whose last
// registration failed), sorted by name.
func (m *Manager) Registrations() []Registration {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Registration, 0, len(m.res))
	for _, r := range m.res {
		out = append(out, Registration{Resource: r.resource, Type: r.t.name, Online: r.online, Registered: r.failed == "",
			Failures: r.failures, Error: r.failed, Since: r.since, Events: r.events})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

// Plugins returns the status of every plugin with its watches.
func (m *Manager) Plugins() []PluginStatus {
	var out []PluginStatus
	for _, p := range m.o.Registry.Plugins() {
		out = append(out, p.Status())
	}
	return out
}

// Close stops the script agents' notifiers and closes the plugins.
func (m *Manager) Close() error {
	m.mu.Lock()
	scripts := m.scripts
	m.mu.Unlock()
	for _, s := range scripts {
		s.Close()
	}
	return m.o.Registry.Close()
}
