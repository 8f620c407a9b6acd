package daemon

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/amfxml"
	"github.com/vigil-ha/vigil/plugins/imf"
	"github.com/vigil-ha/vigil/plugins/imf/mount"
	"github.com/vigil-ha/vigil/plugins/imf/process"
)

// newIMF builds the IMF manager with the built-in event plugins; their
// events go to the bus.
func (d *Daemon) newIMF() *imf.Manager {
	reg := imf.NewRegistry()
	var m *imf.Manager
	notify := func(n imf.Notice) { m.Notice(n) }
	log := d.log.Named("imf")
	reg.Register(process.New(process.Options{Notify: notify, Logger: log}))
	reg.Register(mount.New(mount.Options{Notify: notify, Logger: log}))
	m = imf.NewManager(imf.ManagerOptions{Registry: reg, Publish: func(e events.Event) { d.bus.Publish(e) },
		Logger: log, Clock: clock.Real{}})
	if d.met != nil {
		d.met.Registry().MustRegister(newIMFCollector(m))
	}
	return m
}

// DescriptorPath returns the amfregister.xml that gives type t IMF under
// an implementation kind, or "": the one in its agent directory (script
// and plugin kinds), or the bundled one of the standard type (builtin).
func DescriptorPath(t *model.Type, kind string, env *Env) string {
	if kind == "builtin" {
		return amfxml.Find(filepath.Join(env.VCSHome, "bin", t.Name))
	}
	dir, err := runner.ResolveAgentDir(t, env.Search)
	if err != nil {
		return ""
	}
	return amfxml.Find(dir)
}

// LoadDescriptor reads and checks a type's descriptor against the type.
func LoadDescriptor(t *model.Type, path string) (*amfxml.Descriptor, error) {
	desc, err := amfxml.Load(path)
	if err != nil {
		return nil, err
	}
	if err := desc.Check(t); err != nil {
		return nil, err
	}
	return desc, nil
}

// boundIMF is the IMF the daemon gives an agent: descriptor-driven
// (imf.TypeIMF) or a script agent's imf_* entry points (imf.ScriptIMF).
type boundIMF interface {
	agent.IMF
	Bind(monitorNow func(resource, cause string))
}

// typeIMF returns the IMF of a type: from the amfregister.xml of its agent
// directory (a descriptor with errors stops the agent from starting), else
// from its imf_register and imf_getnotification scripts, else nil.
func (d *Daemon) typeIMF(t *model.Type, kind string, impl ep.Implementation, snapshot func() *model.Config) (boundIMF, error) {
	if path := DescriptorPath(t, kind, d.env); path != "" {
		desc, err := LoadDescriptor(t, path)
		if err != nil {
			return nil, fmt.Errorf("type %q: %w", t.Name, err)
		}
		return d.imf.ForType(t.Name, desc), nil
	}
	sc, ok := impl.(ep.LongStarter)
	if !ok || !impl.Has(ep.IMFRegister) || !impl.Has(ep.IMFGetNotification) {
		return nil, nil
	}
	version := arglist.V50
	if v, ok := impl.(arglist.Versioned); ok && v.Version() != 0 {
		version = v.Version()
	}
	return d.imf.ForScript(t.Name, imf.ScriptOptions{Impl: impl,
		Build: func(n ep.Name, r *model.Resource, x arglist.Extra) (ep.Request, error) {
			spec := agent.RequestSpec{EP: n, Resource: r, Version: version, Extra: x}
			if snapshot != nil {
				if spec.Config = snapshot(); spec.Config != nil && spec.Config.Resources[r.Name] != nil {
					spec.Resource = spec.Config.Resources[r.Name]
				}
			}
			return agent.BuildRequest(spec)
		},
		Start: sc.StartLong}), nil
}

// CheckDescriptors validates, for `vigil check`, the amfregister.xml of
// every type of cfg whose agent directory has one: AgentDirectory, else
// <config>/agents/<Type>, /opt/VRTSvcs/bin/<Type>, /opt/VRTSagents/ha/bin/<Type>
// (the bundled descriptors are checked by vigil's own tests). The errors
// are file:line diagnostics.
func CheckDescriptors(cfg *model.Config) error {
	search := append([]string{filepath.Join(cfg.Dir, "agents")}, runner.DefaultSearchPath("")[:2]...)
	var errs syntax.ErrorList
	names := make([]string, 0, len(cfg.Types))
	for n := range cfg.Types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := cfg.Types[n]
		dir, err := runner.ResolveAgentDir(t, search)
		if err != nil {
			continue
		}
		path := amfxml.Find(dir)
		if path == "" {
			continue
		}
		if _, err := LoadDescriptor(t, path); err != nil {
			var list syntax.ErrorList
			if errors.As(err, &list) {
				errs = append(errs, list...)
			} else {
				errs.Add(syntax.Pos{File: path, Line: 1, Col: 1}, err.Error())
			}
		}
	}
	errs.Sort()
	return errs.Err()
}

// imfStatus is `vigil imf status`: one row per plugin, then one per
// registered (or failed) resource with what is watched.
func (d *Daemon) imfStatus() []wire.IMFWatch {
	if d.imf == nil {
		return nil
	}
	var out []wire.IMFWatch
	watches := map[string][]string{}
	owner := map[string]string{}
	for _, p := range d.imf.Plugins() {
		state := "available"
		if !p.Available {
			state = "unavailable"
		}
		out = append(out, wire.IMFWatch{Plugin: p.Name, Watch: strings.Join(p.RegTypes, ",") + ": " + p.Detail,
			State: state, Events: p.Events, Rescans: p.Rescans})
		for _, w := range p.Watches {
			watches[w.Resource] = append(watches[w.Resource], w.RegType+" "+w.What)
			owner[w.Resource] = p.Name
		}
	}
	for _, r := range d.imf.Registrations() {
		st := "registered " + map[bool]string{true: "online", false: "offline"}[r.Online]
		if !r.Registered {
			st = "failed: " + r.Error
		}
		out = append(out, wire.IMFWatch{Plugin: owner[r.Resource], Type: r.Type, Resource: r.Resource,
			Watch: strings.Join(watches[r.Resource], "; "), State: st, Events: r.Events, Failures: r.Failures,
			Since: r.Since.UTC().Format(time.RFC3339Nano)})
	}
	return out
}
