package stats

import (
	"sort"
	"sync"
)

// DefaultKeep is the number of recent cycles a Book keeps per resource for
// its reports.
const DefaultKeep = 120

// Book holds the trackers of every resource of a daemon. It is safe for
// concurrent use; a resource gets a tracker the first time a cycle arrives
// with statistics enabled.
type Book struct {
	keep int
	mu   sync.Mutex
	t    map[string]*Tracker
}

// NewBook returns a book whose trackers keep the last keep cycles (0:
// DefaultKeep).
func NewBook(keep int) *Book {
	if keep <= 0 {
		keep = DefaultKeep
	}
	return &Book{keep: keep, t: map[string]*Tracker{}}
}

// Add takes one cycle of resource and returns its notifications.
func (b *Book) Add(resource string, c Cycle) []Notification {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.t[resource]
	if t == nil {
		if !c.Params.Enabled() {
			return nil // never measured: no tracker, no cost
		}
		t = NewTracker(b.keep)
		b.t[resource] = t
	}
	return t.Add(c)
}

// Report returns the report of resource; ok is false when no cycle of it
// has arrived with statistics enabled.
func (b *Book) Report(resource string) (Report, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.t[resource]
	if t == nil {
		return Report{}, false
	}
	return t.Report(), true
}

// TimeStats returns MonitorTimeStats of resource (the zero value when none
// has been computed).
func (b *Book) TimeStats(resource string) TimeStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.t[resource]; t != nil {
		return t.TimeStats()
	}
	return TimeStats{}
}

// Names lists the resources with a tracker, sorted.
func (b *Book) Names() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.t))
	for n := range b.t {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Forget drops the tracker of resource.
func (b *Book) Forget(resource string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.t, resource)
}
