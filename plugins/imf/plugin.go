package imf

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Registration types of amfregister.xml (design.md §3): the VCS process
// types and vigil's mount extension.
const (
	RegPRON   = "PRON"   // watch the resource's processes for exit while ONLINE
	RegPROFF  = "PROFF"  // watch for the resource's process to start while OFFLINE
	RegMNTON  = "MNTON"  // watch MountPoint for unmount or change while ONLINE
	RegMNTOFF = "MNTOFF" // watch for a mount on MountPoint while OFFLINE
)

// Online reports whether a RegType watches ONLINE resources.
func Online(regType string) bool { return regType == RegPRON || regType == RegMNTON }

// Errors of plugins, wrapped with the resource and the plugin.
var (
	// ErrUnavailable: the plugin cannot work here (no kernel support, no
	// permission); its resources keep polling at the normal interval.
	ErrUnavailable = errors.New("event source unavailable")
	// ErrNothingToWatch: the resource's state has nothing the plugin could
	// watch (no matching process, mount point not mounted); the framework
	// monitors the resource at once.
	ErrNothingToWatch = errors.New("nothing to watch")
	// ErrNoDescriptor: the descriptor has no block for the state.
	ErrNoDescriptor = errors.New("no descriptor block for this state")
)

// Spec is one resolved <Register> block for one resource: the RegType and
// the tag texts with ${Attr} already replaced.
type Spec struct {
	Resource string
	Type     string
	RegType  string
	Tags     map[string]string
	// Lists holds, for a tag that is one ${Attr} of a list attribute, the
	// list's elements (MonitorProcesses, PidFiles).
	Lists map[string][]string
}

// Tag returns the text of tag and whether the block has it.
func (s Spec) Tag(name string) (string, bool) {
	v, ok := s.Tags[name]
	return v, ok
}

// Values returns the non-blank values of a tag: the list's elements when
// it came from a list attribute, else its text when not blank.
func (s Spec) Values(name string) []string {
	var out []string
	if l, ok := s.Lists[name]; ok {
		for _, v := range l {
			if strings.TrimSpace(v) != "" {
				out = append(out, strings.TrimSpace(v))
			}
		}
		return out
	}
	if v := strings.TrimSpace(s.Tags[name]); v != "" {
		out = append(out, v)
	}
	return out
}

// Notice is what a plugin reports: a change of one resource, or a rescan
// (events were lost or the source restarted) of every resource it watches.
type Notice struct {
	Plugin   string
	Resource string // "" with Rescan
	Rescan   bool
	Detail   string
}

// WatchStatus describes one watch for `vigil imf status`.
type WatchStatus struct {
	Resource string
	RegType  string
	What     string // what is watched: PIDs, pattern, mount point
	Events   uint64 // notices sent for this watch
}

// PluginStatus describes a plugin for `vigil imf status`.
type PluginStatus struct {
	Name      string
	RegTypes  []string
	Available bool
	Detail    string // why it is unavailable, or what it runs on
	Events    uint64
	Rescans   uint64
	Watches   []WatchStatus
}

// Plugin is one AMF-style event plugin. Watch replaces any watch of the
// same resource and RegType; Notices go to the function given to the
// plugin's constructor.
type Plugin interface {
	Name() string
	RegTypes() []string
	Watch(s Spec) error
	Unwatch(resource string)
	Status() PluginStatus
	Close() error
}

// Registry holds the plugins keyed by RegType. It is a value; the daemon
// builds one with the built-in plugins.
type Registry struct {
	byReg  map[string]Plugin
	byName map[string]Plugin
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byReg: map[string]Plugin{}, byName: map[string]Plugin{}}
}

// Register adds a plugin for each of its RegTypes. An empty or duplicate
// name or RegType is a programming error and panics.
func (r *Registry) Register(p Plugin) {
	if p.Name() == "" || len(p.RegTypes()) == 0 {
		panic("imf: registering a plugin without a name or RegType")
	}
	if _, dup := r.byName[p.Name()]; dup {
		panic(fmt.Sprintf("imf: plugin %q registered twice", p.Name()))
	}
	for _, rt := range p.RegTypes() {
		if _, dup := r.byReg[rt]; dup || rt == "" {
			panic(fmt.Sprintf("imf: RegType %q registered twice or empty", rt))
		}
		r.byReg[rt] = p
	}
	r.byName[p.Name()] = p
}

// Lookup returns the plugin serving a RegType.
func (r *Registry) Lookup(regType string) (Plugin, bool) {
	p, ok := r.byReg[regType]
	return p, ok
}

// RegTypes lists the registered RegTypes, sorted.
func (r *Registry) RegTypes() []string {
	out := make([]string, 0, len(r.byReg))
	for rt := range r.byReg {
		out = append(out, rt)
	}
	sort.Strings(out)
	return out
}

// Plugins lists the plugins sorted by name.
func (r *Registry) Plugins() []Plugin {
	out := make([]Plugin, 0, len(r.byName))
	for _, p := range r.byName {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Close closes every plugin.
func (r *Registry) Close() error {
	var errs []error
	for _, p := range r.Plugins() {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}
