package engine

import (
	"sync"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
)

// A group's state is derived from counts of its resources by state. The
// engine keeps those counts per group (a tally) so that an agent event costs
// one agent Status call and a few additions, not a walk of the whole group.
//
// The agent stays the source of truth. A tally never takes a state from an
// event's From/To fields (events of one resource may be handled out of
// order); on every event of a resource it re-reads that resource's status
// from the agent, under the tally's lock, and replaces the resource's
// previous contribution with the new one. As an agent changes a state before
// it sends the event, and reads of one group are serialised by the lock,
// once the last event of a resource has been handled its entry holds a state
// read after its last change: the agent's current state. Enabled and
// Operations come from the configuration and are refreshed by Modify. Start
// recounts every group from the agents, once the resources are added and
// again once they are probed.
//
// Lock order: groupTally.mu, then Engine.mu or an agent's own lock; nothing
// takes groupTally.mu while holding Engine.mu.

// resClass is what a group's state needs to know of one resource.
type resClass struct {
	enabled    bool   // Enabled != 0: counted at all
	persistent bool   // Operations = None: ONLINE, but never makes a group PARTIAL
	state      string // base state as last read from the agent
}

// classOf returns r's configured part of its class, with state UNKNOWN.
func classOf(r *model.Resource) resClass {
	return resClass{enabled: enabled(r), persistent: operations(r) == opsNone, state: StateUnknown}
}

// counts are the numbers of a group's enabled resources by state.
type counts struct {
	counted, on, onCmd, unknown, faulted int // onCmd: ONLINE and not persistent
}

// add counts (sign 1) or uncounts (sign -1) one resource.
func (c *counts) add(x resClass, sign int) {
	if !x.enabled {
		return
	}
	c.counted += sign
	switch x.state {
	case StateOnline:
		c.on += sign
		if !x.persistent {
			c.onCmd += sign
		}
	case StateFaulted:
		c.faulted += sign
	case StateOffline:
	default:
		c.unknown += sign
	}
}

// state is the group state the counts give: ONLINE when every resource is,
// UNKNOWN when none is known, OFFLINE when no resource that can be commanded
// is ONLINE, PARTIAL otherwise.
func (c counts) state() string {
	switch {
	case c.counted == 0:
		return GroupOffline
	case c.on == c.counted:
		return GroupOnline
	case c.unknown == c.counted:
		return GroupUnknown
	case c.onCmd == 0:
		return GroupOffline
	default:
		return GroupPartial
	}
}

// groupTally holds one group's counts and the state last published for it.
type groupTally struct {
	mu        sync.Mutex
	res       map[string]*resClass // by resource name; the keys never change
	c         counts
	published string // "" before the first group-state evaluation
}

// newTallies returns a tally per group, every resource UNKNOWN.
func newTallies(cfg *model.Config) map[string]*groupTally {
	out := make(map[string]*groupTally, len(cfg.Groups))
	for name, g := range cfg.Groups {
		t := &groupTally{res: make(map[string]*resClass, len(g.Resources))}
		for _, r := range g.Resources {
			x := classOf(r)
			t.res[r.Name] = &x
			t.c.add(x, 1)
		}
		out[name] = t
	}
	return out
}

// set replaces the contribution of resource name (under t.mu).
func (t *groupTally) set(name string, x resClass) {
	p := t.res[name]
	if p == nil {
		return
	}
	t.c.add(*p, -1)
	*p = x
	t.c.add(x, 1)
}

// read re-reads r's state from its agent and updates the counts (under t.mu).
func (e *Engine) read(t *groupTally, r *model.Resource) {
	p := t.res[r.Name]
	if p == nil {
		return
	}
	x := *p
	x.state = StateUnknown
	if x.enabled { // the state of a resource that is not counted is not needed
		st, _ := e.status(r)
		x.state = st.State
	}
	t.set(r.Name, x)
}

// resourceEvent accounts for an event of resource r of group g and
// publishes a group-state event when the group's state (with its FAULTED
// flag) has changed.
func (e *Engine) resourceEvent(g *model.Group, r *model.Resource, cause string) {
	t := e.tallies[g.Name]
	t.mu.Lock()
	defer t.mu.Unlock()
	e.read(t, r)
	e.settle(g, t, cause)
}

// refreshResource re-reads r's configuration (Enabled, Operations) and
// state, after a modification.
func (e *Engine) refreshResource(r *model.Resource, cause string) {
	if r.Group == nil {
		return
	}
	t := e.tallies[r.Group.Name]
	t.mu.Lock()
	defer t.mu.Unlock()
	e.mu.Lock()
	x := classOf(r)
	e.mu.Unlock()
	t.set(r.Name, x)
	e.read(t, r)
	e.settle(r.Group, t, cause)
}

// recount rebuilds every group's counts from the configuration and the
// agents, publishing the groups whose state changed.
func (e *Engine) recount(cause string) {
	for _, name := range e.cfg.GroupNames() {
		g := e.cfg.Groups[name]
		t := e.tallies[name]
		t.mu.Lock()
		t.c = counts{}
		for _, r := range g.Resources {
			e.mu.Lock()
			x := classOf(r)
			e.mu.Unlock()
			t.res[r.Name] = &x
			t.c.add(x, 1)
			e.read(t, r)
		}
		e.settle(g, t, cause)
		t.mu.Unlock()
	}
}

// settle publishes a group-state event when the counts give another state
// than the one last published (under t.mu, so events of one group come out
// in the order of the counts they reflect). UNKNOWN is not published.
func (e *Engine) settle(g *model.Group, t *groupTally, cause string) {
	st := t.c.state()
	if t.c.faulted > 0 {
		st += "|" + StateFaulted
	}
	prev := t.published
	t.published = st
	if prev == st || st == GroupUnknown {
		return
	}
	if prev == "" {
		prev = GroupUnknown
	}
	e.publish(events.Event{Kind: events.KindGroupState, Group: g.Name, From: prev, To: st, Cause: cause})
}
