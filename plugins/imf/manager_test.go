package imf

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/amfxml"
)

// fakePlugin is a Plugin whose Watch is a function field.
type fakePlugin struct {
	name    string
	regs    []string
	watch   func(Spec) error
	mu      sync.Mutex
	watched map[string]Spec
}

var _ Plugin = (*fakePlugin)(nil)

func (f *fakePlugin) Name() string       { return f.name }
func (f *fakePlugin) RegTypes() []string { return f.regs }
func (f *fakePlugin) Watch(s Spec) error {
	if f.watch != nil {
		if err := f.watch(s); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.watched == nil {
		f.watched = map[string]Spec{}
	}
	f.watched[s.Resource] = s
	return nil
}
func (f *fakePlugin) Unwatch(r string) { f.mu.Lock(); delete(f.watched, r); f.mu.Unlock() }
func (f *fakePlugin) Status() PluginStatus {
	return PluginStatus{Name: f.name, RegTypes: f.regs, Available: true}
}
func (f *fakePlugin) Close() error { return nil }

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	r.Register(&fakePlugin{name: "b", regs: []string{"MNTON"}})
	r.Register(&fakePlugin{name: "a", regs: []string{"PRON", "PROFF"}})
	if got := strings.Join(r.RegTypes(), ","); got != "MNTON,PROFF,PRON" {
		t.Errorf("RegTypes %s", got)
	}
	if ps := r.Plugins(); ps[0].Name() != "a" || ps[1].Name() != "b" {
		t.Errorf("plugins not sorted")
	}
	for name, p := range map[string]Plugin{
		"duplicate name":    &fakePlugin{name: "a", regs: []string{"X"}},
		"duplicate RegType": &fakePlugin{name: "c", regs: []string{"PRON"}},
		"empty":             &fakePlugin{name: "", regs: []string{"Y"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			r.Register(p)
		}()
	}
}

type rec struct {
	mu   sync.Mutex
	evs  []events.Event
	mons chan string
}

func (r *rec) publish(e events.Event) { r.mu.Lock(); r.evs = append(r.evs, e); r.mu.Unlock() }
func (r *rec) kinds() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var k []string
	for _, e := range r.evs {
		k = append(k, string(e.Kind))
	}
	return strings.Join(k, " ")
}

func setup(t *testing.T, watch func(Spec) error) (*Manager, *TypeIMF, *fakePlugin, *rec, *model.Resource) {
	t.Helper()
	p := &fakePlugin{name: "process", regs: []string{"PRON", "PROFF"}, watch: watch}
	reg := NewRegistry()
	reg.Register(p)
	rc := &rec{mons: make(chan string, 16)}
	m := NewManager(ManagerOptions{Registry: reg, Publish: rc.publish})
	d, err := amfxml.Parse(strings.NewReader(`<xml><Register><RegType>PRON</RegType><ProcPattern>${PathName}</ProcPattern></Register></xml>`), "x.xml")
	if err != nil {
		t.Fatal(err)
	}
	typ := &model.Type{Name: "P", Attrs: map[string]*model.AttrDef{"PathName": {Name: "PathName"}}}
	r := &model.Resource{Name: "r1", Type: typ, Values: map[string]model.Value{"PathName": model.ScalarValue("/bin/x")}}
	ti := m.ForType("P", d)
	ti.Bind(func(res, cause string) { rc.mons <- res + ":" + cause })
	return m, ti, p, rc, r
}

func TestManagerLifecycle(t *testing.T) {
	m, ti, p, rc, r := setup(t, nil)
	if err := ti.Register(r, true); err != nil {
		t.Fatal(err)
	}
	if s := p.watched["r1"]; s.Tags["ProcPattern"] != "/bin/x" || s.RegType != "PRON" {
		t.Errorf("watch %+v", s)
	}
	m.Notice(Notice{Plugin: "process", Resource: "r1", Detail: "process 1 exited"})
	if got := <-rc.mons; got != "r1:imf" {
		t.Errorf("monitor %q", got)
	}
	m.Notice(Notice{Plugin: "process", Rescan: true, Detail: "events lost"})
	if got := <-rc.mons; got != "r1:imf" {
		t.Errorf("rescan monitor %q", got)
	}
	if err := ti.Register(r, false); !errors.Is(err, ErrNoDescriptor) {
		t.Errorf("offline without a PROFF block: %v", err)
	}
	if regs := m.Registrations(); len(regs) != 1 || regs[0].Registered || regs[0].Failures != 1 {
		t.Errorf("registrations %+v", regs)
	}
	ti.Unregister("r1")
	if len(p.watched) != 0 || len(m.Registrations()) != 0 {
		t.Errorf("still watched after Unregister")
	}
	m.Notice(Notice{Plugin: "process", Resource: "r1"}) // stale: ignored
	select {
	case got := <-rc.mons:
		t.Errorf("monitor for an unregistered resource: %q", got)
	default:
	}
	if k := rc.kinds(); k != "imf-registered imf-event imf-rescan" {
		t.Errorf("events %q", k)
	}
}

func TestManagerFailures(t *testing.T) {
	var fail error
	m, ti, _, rc, r := setup(t, func(Spec) error { return fail })
	fail = ErrNothingToWatch
	if err := ti.Register(r, true); !errors.Is(err, ErrNothingToWatch) {
		t.Fatal(err)
	}
	select { // nothing to watch: the resource has probably changed; monitor now
	case got := <-rc.mons:
		if got != "r1:imf" {
			t.Errorf("monitor %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no monitor after nothing to watch")
	}
	fail = ErrUnavailable
	ti.Register(r, true)
	ti.Register(r, true)
	if k := rc.kinds(); k != "imf-fallback" {
		t.Errorf("fallback said %q, want once", k)
	}
	if regs := m.Registrations(); regs[0].Failures != 3 {
		t.Errorf("failures %+v", regs)
	}
}
