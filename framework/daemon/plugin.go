package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/host"
)

// PluginPriority orders the plugin kind before scripts: a type with a
// plugin binary runs it (and, when Mixed, its scripts for the rest).
const PluginPriority = 50

// PluginOptions configure the plugin kind.
type PluginOptions struct {
	// StartTimeout bounds a plugin's start-up; 0 = host.DefaultStartTimeout.
	StartTimeout time.Duration
}

// PluginKind runs types whose agent is a Go plugin binary (plugins/host):
// AgentFile, <AgentDirectory>/<Type>Agent when it is a go-plugin binary,
// or as <Type>.xml's agenttype (Binary or Mixed) says. For Mixed types the
// entry points the plugin does not implement run as the agent directory's
// scripts (ep.Mux).
func PluginKind(o PluginOptions) Kind {
	return Kind{Name: "plugin", Priority: PluginPriority, Open: func(t *model.Type, c OpenContext) (ep.Implementation, error) {
		dir, err := runner.ResolveAgentDir(t, c.Env.Search)
		if err != nil && !errors.Is(err, runner.ErrNoAgentDir) {
			return nil, err
		}
		plan, err := host.Detect(t, dir)
		if errors.Is(err, host.ErrNotPlugin) {
			return nil, fmt.Errorf("%w: %w", ErrNotServed, err)
		}
		if err != nil {
			return nil, err
		}
		var cgroup func() string // a cgroup per launch below the runner's: the fence guard's tree covers it
		if c.Runner != nil {
			cgroup = func() string { return c.Runner.HelperCgroup("plugin-" + t.Name) }
		}
		h, err := host.New(host.Options{Type: t, Path: plan.Binary, Logger: c.Logger, StartTimeout: o.StartTimeout, Cgroup: cgroup,
			Env: []string{"PATH=" + filepath.Join(c.Env.VCSHome, "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"VCS_HOME=" + c.Env.VCSHome}})
		if err != nil {
			return nil, err
		}
		c.Logger.Info("plugin agent", zap.String("binary", plan.Binary), zap.String("agenttype", string(plan.Type)),
			zap.String("by", plan.Why))
		if plan.Type != host.Mixed || plan.Dir == "" {
			return h, nil
		}
		scripts, err := runner.NewScript(runner.ScriptOptions{TypeName: t.Name, AgentDir: plan.Dir,
			VCSHome: c.Env.VCSHome, Logger: c.Logger, Runner: c.Runner, MonitorOptional: true, Version: arglist.V50})
		if err != nil {
			h.Close()
			return nil, err
		}
		return newMixed(h, scripts), nil
	}}
}

// mixed is a Mixed type: the plugin's entry points, scripts for the rest.
type mixed struct {
	*ep.Mux
	host    *host.Host
	scripts *runner.Script
}

func newMixed(h *host.Host, scripts *runner.Script) *mixed {
	m := ep.NewMux(scripts)
	for _, n := range ep.All {
		if h.Has(n) {
			m.Route(n, h)
		}
	}
	return &mixed{Mux: m, host: h, scripts: scripts}
}

// StartLong starts imf_getnotification where the type has it: the
// plugin's notification stream, else the agent directory's script.
func (m *mixed) StartLong(ctx context.Context, req ep.Request, lines func([]byte)) (ep.Long, error) {
	if m.host.Has(req.EP) {
		return m.host.StartLong(ctx, req, lines)
	}
	return m.scripts.StartLong(ctx, req, lines)
}

// OnRelaunch passes the re-probe hook to the plugin host.
func (m *mixed) OnRelaunch(f func()) { m.host.OnRelaunch(f) }

// Close stops the plugin.
func (m *mixed) Close() error { return m.host.Close() }

// relauncher is an implementation whose process may be relaunched.
type relauncher interface {
	OnRelaunch(func())
}

// implSet holds the implementations the daemon opened, to close them at
// shutdown (plugin processes).
type implSet struct {
	mu      sync.Mutex
	closers []io.Closer
}

// adopt keeps impl for closing and, for a plugin, re-probes every resource
// of the type after each relaunch.
func (s *implSet) adopt(impl ep.Implementation, a *agent.Agent) {
	probe := func() {
		for _, st := range a.List() {
			a.Probe(st.Resource)
		}
	}
	if r, ok := impl.(relauncher); ok {
		r.OnRelaunch(probe)
	}
	if c, ok := impl.(io.Closer); ok {
		s.mu.Lock()
		s.closers = append(s.closers, c)
		s.mu.Unlock()
	}
}

// close closes every adopted implementation.
func (s *implSet) close() {
	s.mu.Lock()
	cs := s.closers
	s.closers = nil
	s.mu.Unlock()
	for _, c := range cs {
		c.Close()
	}
}

// closeImpl closes impl when it holds a process (a plugin).
func closeImpl(impl ep.Implementation) {
	if c, ok := impl.(io.Closer); ok {
		c.Close()
	}
}
