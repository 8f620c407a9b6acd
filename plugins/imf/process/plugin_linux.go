package process

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/plugins/imf"
)

// Name is the plugin's name in the registry and in `vigil imf status`.
const Name = "process"

// Options configure the plugin.
type Options struct {
	// Notify receives every notice; it must not block long.
	Notify func(imf.Notice)
	Logger *zap.Logger
	// Conn configures the proc connector of PROFF watches.
	Conn ConnOptions
	// Clock paces the proc connector reader under an exec storm; nil is
	// the real clock.
	Clock clock.Clock
}

// Plugin is the process plugin (PRON, PROFF).
type Plugin struct {
	o   Options
	log *zap.Logger

	mu         sync.Mutex
	pids       *PidSet // nil when pidfds are unavailable (pidErr)
	pidErr     error
	pron       map[string]*pronWatch  // by resource
	byID       map[uint32]*pronWatch  // by PidSet watch ID
	proff      map[string]*proffWatch // by resource
	conn       *Conn
	connErr    error
	unresolved map[int]bool // exec'd PIDs that were gone before they could be read
	events     uint64
	rescans    uint64
	closed     bool
	wg         sync.WaitGroup
}

var _ imf.Plugin = (*Plugin)(nil)

// New returns the plugin. A kernel without pidfds makes PRON unavailable,
// which Status and every PRON Watch say.
func New(o Options) *Plugin {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Notify == nil {
		o.Notify = func(imf.Notice) {}
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	p := &Plugin{o: o, log: o.Logger.With(zap.String("imf_plugin", Name)), pron: map[string]*pronWatch{},
		byID: map[uint32]*pronWatch{}, proff: map[string]*proffWatch{}, unresolved: map[int]bool{}}
	p.pids, p.pidErr = NewPidSet()
	if p.pidErr == nil {
		p.wg.Add(1)
		go p.exitLoop(p.pids)
	}
	return p
}

// Name returns "process".
func (p *Plugin) Name() string { return Name }

// RegTypes returns PRON and PROFF.
func (p *Plugin) RegTypes() []string { return []string{imf.RegPRON, imf.RegPROFF} }

// Watch starts a PRON or PROFF watch for a resource, replacing the
// resource's earlier watch of that RegType.
func (p *Plugin) Watch(s imf.Spec) error {
	switch s.RegType {
	case imf.RegPRON:
		return p.watchPRON(s)
	case imf.RegPROFF:
		return p.watchPROFF(s)
	}
	return fmt.Errorf("process plugin: RegType %q not served", s.RegType)
}

// Unwatch ends every watch of a resource.
func (p *Plugin) Unwatch(resource string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropPRON(resource)
	p.dropPROFF(resource)
}

// notify counts and sends a notice outside the lock.
func (p *Plugin) notify(n imf.Notice) {
	n.Plugin = Name
	p.o.Notify(n)
}

// Status describes the plugin and its watches.
func (p *Plugin) Status() imf.PluginStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := imf.PluginStatus{Name: Name, RegTypes: p.RegTypes(), Available: p.pidErr == nil, Events: p.events,
		Rescans: p.rescans}
	var why []string
	if p.pidErr != nil {
		why = append(why, "PRON unavailable: "+p.pidErr.Error())
	} else {
		why = append(why, "PRON: pidfd + epoll")
	}
	switch {
	case p.conn != nil:
		why = append(why, "PROFF: proc connector open")
	case p.connErr != nil:
		why = append(why, "PROFF unavailable: "+p.connErr.Error())
	default:
		why = append(why, "PROFF: proc connector closed (no PROFF watch)")
	}
	st.Detail = strings.Join(why, "; ")
	for _, w := range p.pron {
		st.Watches = append(st.Watches, imf.WatchStatus{Resource: w.spec.Resource, RegType: imf.RegPRON,
			What: w.describe(), Events: w.events})
	}
	for _, w := range p.proff {
		st.Watches = append(st.Watches, imf.WatchStatus{Resource: w.spec.Resource, RegType: imf.RegPROFF,
			What: w.start.String(), Events: w.events})
	}
	sort.Slice(st.Watches, func(i, j int) bool {
		a, b := st.Watches[i], st.Watches[j]
		return a.Resource < b.Resource || (a.Resource == b.Resource && a.RegType < b.RegType)
	})
	return st
}

// Close ends every watch and the sources' goroutines.
func (p *Plugin) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for r := range p.pron {
		p.dropPRON(r)
	}
	for r := range p.proff {
		p.dropPROFF(r)
	}
	if p.pids != nil {
		p.pids.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

// exitLoop receives process exits until the set is closed.
func (p *Plugin) exitLoop(set *PidSet) {
	defer p.wg.Done()
	for {
		exits, err := set.Receive()
		if errors.Is(err, ErrClosed) {
			return
		}
		if err != nil {
			p.log.Error("pidfd set failed; PRON resources are monitored now", zap.Error(err))
			p.mu.Lock()
			p.rescans++
			p.mu.Unlock()
			p.notify(imf.Notice{Rescan: true, Detail: err.Error()})
			return
		}
		for _, e := range exits {
			p.exited(e)
		}
	}
}
