package mount

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/plugins/imf"
)

// Name is the plugin's name in the registry and in `vigil imf status`.
const Name = "mount"

// Options configure the plugin.
type Options struct {
	// Notify receives every notice; it must not block long.
	Notify func(imf.Notice)
	Logger *zap.Logger
}

// Plugin is the mount plugin (MNTON, MNTOFF).
type Plugin struct {
	o   Options
	log *zap.Logger

	mu      sync.Mutex
	w       *Watcher // open while watches exist
	werr    error
	watches map[string]*watch // by resource
	events  uint64
	rescans uint64
	closed  bool
	wg      sync.WaitGroup
}

var _ imf.Plugin = (*Plugin)(nil)

// watch is the MNTON or MNTOFF watch of one resource.
type watch struct {
	spec                  imf.Spec
	point, device, fstype string
	last                  Fingerprint
	mounted               bool
	events                uint64
}

// New returns the plugin; the mountinfo source opens with the first watch.
func New(o Options) *Plugin {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Notify == nil {
		o.Notify = func(imf.Notice) {}
	}
	return &Plugin{o: o, log: o.Logger.With(zap.String("imf_plugin", Name)), watches: map[string]*watch{}}
}

// Name returns "mount".
func (p *Plugin) Name() string { return Name }

// RegTypes returns MNTON and MNTOFF.
func (p *Plugin) RegTypes() []string { return []string{imf.RegMNTON, imf.RegMNTOFF} }

// Watch starts an MNTON or MNTOFF watch, replacing the resource's earlier
// one. MNTON needs MountPoint mounted now; MNTOFF reports a mount that is
// already there at once.
func (p *Plugin) Watch(s imf.Spec) error {
	if s.RegType != imf.RegMNTON && s.RegType != imf.RegMNTOFF {
		return fmt.Errorf("mount plugin: RegType %q not served", s.RegType)
	}
	point, _ := s.Tag("MountPoint")
	if point = strings.TrimSpace(point); !filepath.IsAbs(point) {
		return fmt.Errorf("%s watch of resource %q: MountPoint %q is not an absolute path", s.RegType, s.Resource, point)
	}
	w := &watch{spec: s, point: filepath.Clean(point)}
	w.device, _ = s.Tag("BlockDevice")
	w.fstype, _ = s.Tag("FSType")
	w.device, w.fstype = strings.TrimSpace(w.device), strings.TrimSpace(w.fstype)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("%s watch of resource %q: %w", s.RegType, s.Resource, ErrClosed)
	}
	delete(p.watches, s.Resource)
	if err := p.open(); err != nil {
		return fmt.Errorf("%s watch of resource %q: %w: %w", s.RegType, s.Resource, imf.ErrUnavailable, err)
	}
	t, err := p.w.Table()
	if err != nil {
		p.closeIfIdle()
		return fmt.Errorf("%s watch of resource %q: %w: %w", s.RegType, s.Resource, imf.ErrUnavailable, err)
	}
	w.last, w.mounted = t.Top(w.point, w.device, w.fstype)
	if s.RegType == imf.RegMNTON && !w.mounted {
		p.closeIfIdle()
		return fmt.Errorf("MNTON watch of resource %q: %w: %s is not mounted", s.Resource, imf.ErrNothingToWatch, w.point)
	}
	p.watches[s.Resource] = w
	if s.RegType == imf.RegMNTOFF && w.mounted {
		w.events++
		p.events++
		go p.notify(imf.Notice{Resource: s.Resource, Detail: fmt.Sprintf("%s already mounted (%s %s)", w.point, w.last.Source, w.last.FSType)})
	}
	return nil
}

// open starts the mountinfo source. Callers hold p.mu.
func (p *Plugin) open() error {
	if p.w != nil {
		return nil
	}
	w, err := NewWatcher()
	if err != nil {
		if p.werr == nil {
			p.log.Warn("mountinfo source unavailable; mount resources keep polling", zap.Error(err))
		}
		p.werr = err
		return err
	}
	p.w, p.werr = w, nil
	p.wg.Add(1)
	go p.loop(w)
	return nil
}

// closeIfIdle closes the source when nothing is watched. Callers hold p.mu.
func (p *Plugin) closeIfIdle() {
	if len(p.watches) == 0 && p.w != nil {
		p.w.Close()
		p.w = nil
	}
}

// Unwatch ends the watch of a resource.
func (p *Plugin) Unwatch(resource string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.watches, resource)
	p.closeIfIdle()
}

func (p *Plugin) notify(n imf.Notice) {
	n.Plugin = Name
	p.o.Notify(n)
}

// loop applies every table change to the watches until the source closes.
func (p *Plugin) loop(src *Watcher) {
	defer p.wg.Done()
	for {
		t, err := src.Receive()
		if errors.Is(err, ErrClosed) {
			return
		}
		if err != nil {
			p.mu.Lock()
			p.rescans++
			p.mu.Unlock()
			p.log.Warn("mount table unreadable; every mount resource is monitored now", zap.Error(err))
			p.notify(imf.Notice{Rescan: true, Detail: err.Error()})
			continue
		}
		for _, n := range p.apply(t) {
			p.notify(n)
		}
	}
}

// apply compares the table with every watch and returns the notices.
func (p *Plugin) apply(t Table) []imf.Notice {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []imf.Notice
	for _, w := range p.watches {
		fp, mounted := t.Top(w.point, w.device, w.fstype)
		var what string
		switch {
		case mounted == w.mounted && (!mounted || fp == w.last):
		case !mounted:
			what = w.point + " unmounted"
		case !w.mounted:
			what = fmt.Sprintf("%s mounted (%s %s)", w.point, fp.Source, fp.FSType)
		default:
			what = fmt.Sprintf("%s changed (%s %s %s)", w.point, fp.Source, fp.FSType, fp.Options)
		}
		w.last, w.mounted = fp, mounted
		if what == "" || (w.spec.RegType == imf.RegMNTOFF && !mounted) {
			continue
		}
		w.events++
		p.events++
		out = append(out, imf.Notice{Resource: w.spec.Resource, Detail: what})
	}
	return out
}

// Status describes the plugin and its watches.
func (p *Plugin) Status() imf.PluginStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := imf.PluginStatus{Name: Name, RegTypes: p.RegTypes(), Available: p.werr == nil, Events: p.events, Rescans: p.rescans}
	switch {
	case p.werr != nil:
		st.Detail = "unavailable: " + p.werr.Error()
	case p.w != nil:
		st.Detail = "/proc/self/mountinfo readiness (EPOLLPRI)"
	default:
		st.Detail = "idle (no mount watch)"
	}
	for _, w := range p.watches {
		what := "unmount or change of " + w.point
		if w.spec.RegType == imf.RegMNTOFF {
			what = "mount on " + w.point
		}
		if w.device != "" || w.fstype != "" {
			what += fmt.Sprintf(" (device %q, fstype %q)", w.device, w.fstype)
		}
		st.Watches = append(st.Watches, imf.WatchStatus{Resource: w.spec.Resource, RegType: w.spec.RegType, What: what, Events: w.events})
	}
	sort.Slice(st.Watches, func(i, j int) bool { return st.Watches[i].Resource < st.Watches[j].Resource })
	return st
}

// Close ends every watch and the source.
func (p *Plugin) Close() error {
	p.mu.Lock()
	p.closed = true
	clear(p.watches)
	p.closeIfIdle()
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}
