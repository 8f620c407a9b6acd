package engine

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// A group's state is derived from counts of its resources by state. The
// engine keeps those counts per group (a tally) so that an agent event costs
// one agent Status call and a few additions, not a walk of the whole group.
//
// The agent stays the source of truth. A tally never takes a state from an
// event's From/To fields (events of one resource may be handled out of
// order); on every event of a resource it re-reads that resource's status
// from the agent, under the tally's lock, and replaces the resource's
// previous contribution with the new one, before the event is published. As
// an agent changes a state before it sends the event, and reads of one group
// are serialised by the lock, once the last event of a resource has been
// handled its entry holds a state read after its last change: the agent's
// current state. Enabled and Operations come from the configuration and are
// refreshed by Modify. Start recounts every group from the agents, once the
// resources are added and again once they are probed.
//
// Because an entry is updated before its event is published, and publishing
// wakes every waiter, a group operation that reads the tally and then waits
// for the next event never misses a change: the walks of group.go read their
// states from the tallies (see node).
//
// Lock order: groupTally.mu, then Engine.mu or an agent's own lock; nothing
// takes groupTally.mu while holding Engine.mu.

// resClass is what a group's state needs to know of one resource.
type resClass struct {
	enabled bool           // Enabled != 0: counted at all
	ops     operations     // Operations: a resource with None never makes a group PARTIAL
	state   state.Resource // base state as last read from the agent
	// moving: the agent is on its way somewhere (WAITING_TO_ONLINE,
	// WAITING_TO_OFFLINE, CLEANING, RESTARTING): the base state is about to
	// change, so a walk must not take it as where the resource stays.
	moving bool
}

// movingFlags are the flags of a resource in transition.
const movingFlags = state.WaitingToOnline | state.WaitingToOffline | state.Cleaning | state.Restarting

// settled reports whether x is in base state s and not on its way elsewhere.
func (x resClass) settled(s state.Resource) bool { return x.state == s && !x.moving }

// classOf returns the configured part of a resource's class, with state
// UNKNOWN.
func classOf(c conf) resClass {
	return resClass{enabled: c.enabled(), ops: c.operations()}
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
	case state.Online:
		c.on += sign
		if x.ops != opsNone {
			c.onCmd += sign
		}
	case state.Faulted:
		c.faulted += sign
	case state.Offline:
	default:
		c.unknown += sign
	}
}

// state is the group state the counts give: ONLINE when every resource is,
// UNKNOWN when none is known, OFFLINE when no resource that can be commanded
// is ONLINE, PARTIAL otherwise.
func (c counts) state() state.Group {
	switch {
	case c.counted == 0:
		return state.GroupOffline
	case c.on == c.counted:
		return state.GroupOnline
	case c.unknown == c.counted:
		return state.GroupUnknown
	case c.onCmd == 0:
		return state.GroupOffline
	default:
		return state.GroupPartial
	}
}

// pack encodes x in one word, so that walks can read it without a lock.
func (x resClass) pack() uint32 {
	v := uint32(x.ops)<<1 | uint32(x.state)<<8
	if x.enabled {
		v |= 1
	}
	if x.moving {
		v |= 1 << 16
	}
	return v
}

// unpack decodes a word made by pack.
func unpack(v uint32) resClass {
	return resClass{enabled: v&1 == 1, ops: operations(v >> 1 & 0x7f), state: state.Resource(v >> 8 & 0xff),
		moving: v>>16&1 == 1}
}

// entry is one resource of a tally.
type entry struct {
	x      resClass      // under groupTally.mu
	packed atomic.Uint32 // x.pack(), stored under groupTally.mu, loaded by walks without it
}

// groupTally holds one group's counts and the state last published for it.
type groupTally struct {
	mu sync.Mutex
	// res and parents are built by newTally and never written again, so
	// they are read without the lock (a structural change builds a new
	// tally instead). parents lists, by name, the resources requiring each.
	res       map[string]*entry
	parents   map[string][]*model.Resource
	c         counts
	published *state.GroupState // nil before the first group-state evaluation
}

// newTallies returns a tally per group, every resource UNKNOWN.
func newTallies(cfg *model.Config) map[string]*groupTally {
	out := make(map[string]*groupTally, len(cfg.Groups))
	for name, g := range cfg.Groups {
		out[name] = newTally(g)
	}
	return out
}

// newTally returns a tally for group g, every resource UNKNOWN.
func newTally(g *model.Group) *groupTally {
	t := &groupTally{res: make(map[string]*entry, len(g.Resources)),
		parents: make(map[string][]*model.Resource, len(g.Resources))}
	for _, r := range g.Resources {
		t.res[r.Name] = &entry{}
		t.parents[r.Name] = nil // present, so that walks never fall back to parents()
	}
	for _, p := range g.Resources {
		for _, c := range p.Requires {
			if ps, ok := t.parents[c.Name]; ok && c.Group == g && !slices.Contains(ps, p) {
				t.parents[c.Name] = append(ps, p)
			}
		}
	}
	for _, ps := range t.parents {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	}
	for _, r := range g.Resources {
		t.set(r.Name, classOf(conf{r})) // r is of an immutable snapshot
	}
	return t
}

// set replaces the contribution of resource name (under t.mu).
func (t *groupTally) set(name string, x resClass) {
	p := t.res[name]
	if p == nil {
		return
	}
	t.c.add(p.x, -1)
	p.x = x
	p.packed.Store(x.pack())
	t.c.add(x, 1)
}

// read re-reads r's state from its agent and updates the counts (under t.mu).
func (e *Engine) read(t *groupTally, r *model.Resource) {
	p := t.res[r.Name]
	if p == nil {
		return
	}
	x := p.x
	x.state, x.moving = state.Unknown, false
	if x.enabled { // the state of a resource that is not counted is not needed
		st, _ := e.status(r)
		x.state, x.moving = st.State.State, st.State.Flags&movingFlags != 0
	}
	t.set(r.Name, x)
}

// resourceEvent accounts for an event of resource r (of a group), publishes
// it, then publishes a group-state event when the group's state (with its
// FAULTED flag) has changed. It returns the event as published.
func (e *Engine) resourceEvent(r *model.Resource, ev events.Event) events.Event {
	t := e.tally(r.Group.Name)
	if t == nil {
		return e.publish(ev)
	}
	t.mu.Lock()
	e.read(t, r)
	t.mu.Unlock()
	ev = e.publish(ev)
	t.mu.Lock()
	e.settle(r.Group, t, ev.Cause)
	t.mu.Unlock()
	return ev
}

// refreshResource re-reads r's configuration (Enabled, Operations) and
// state, after a modification.
func (e *Engine) refreshResource(r *model.Resource, cause string) {
	if r.Group == nil {
		return
	}
	t := e.tally(r.Group.Name)
	if t == nil {
		return
	}
	t.mu.Lock()
	t.set(r.Name, classOf(e.conf(r)))
	e.read(t, r)
	e.settle(r.Group, t, cause)
	t.mu.Unlock()
	e.wake() // walks see the new Enabled or Operations
}

// recount rebuilds every group's counts from the configuration and the
// agents, publishing the groups whose state changed.
func (e *Engine) recount(cause string) {
	cfg := e.topo()
	for _, name := range cfg.GroupNames() {
		g := cfg.Groups[name]
		t := e.tally(name)
		if t == nil {
			continue
		}
		t.mu.Lock()
		t.c = counts{}
		for _, r := range g.Resources {
			x := classOf(e.conf(r))
			p := t.res[r.Name]
			p.x = x
			p.packed.Store(x.pack())
			t.c.add(x, 1)
			e.read(t, r)
		}
		e.settle(g, t, cause)
		t.mu.Unlock()
	}
	e.wake()
}

// settle publishes a group-state event when the counts give another state
// than the one last published (under t.mu, so events of one group come out
// in the order of the counts they reflect). UNKNOWN is not published.
func (e *Engine) settle(g *model.Group, t *groupTally, cause string) {
	st := state.GroupState{State: t.c.state()}
	if t.c.faulted > 0 {
		st.Flags = state.GroupFaulted
	}
	prev := state.GroupState{}
	if t.published != nil {
		prev = *t.published
	}
	first := t.published == nil
	t.published = &st
	if (!first && prev == st) || st.State == state.GroupUnknown {
		return
	}
	e.publish(events.Event{Kind: events.KindGroupState, Group: g.Name, From: prev.String(), To: st.String(), Cause: cause})
}

// node is one resource of a walk with its tally entry and the resources it
// waits for (those it requires when going online, those requiring it when
// going offline) with theirs, looked up once per walk. A nil entry (a
// resource outside the group's tally, which a validated configuration never
// has) is read from its agent.
type node struct {
	r     *model.Resource
	x     *entry
	deps  []*model.Resource
	depx  []*entry // aligned with deps
	asked bool     // commanded by this walk
}

// nodes looks up the resources of set, all of one group, in its tally; up
// says whether the walk goes online (waits for children) or offline (for
// parents).
func (e *Engine) nodes(set []*model.Resource, up bool) []node {
	var g *model.Group
	var t *groupTally
	if len(set) > 0 && set[0].Group != nil {
		g, t = set[0].Group, e.tally(set[0].Group.Name)
	}
	lookup := func(r *model.Resource) *entry {
		if t == nil || r.Group != g {
			return nil
		}
		return t.res[r.Name]
	}
	out := make([]node, len(set))
	for i, r := range set {
		n := node{r: r, x: lookup(r), deps: r.Requires}
		if !up {
			ps, ok := []*model.Resource(nil), false
			if t != nil && r.Group == g {
				ps, ok = t.parents[r.Name]
			}
			if !ok {
				ps = parents(r)
			}
			n.deps = ps
		}
		n.depx = make([]*entry, len(n.deps))
		for j, d := range n.deps {
			n.depx[j] = lookup(d)
		}
		out[i] = n
	}
	return out
}

// class returns r's class as its tally entry x holds it (configuration and
// state as last read) or, without an entry, as its agent reports it now.
func (e *Engine) class(r *model.Resource, x *entry) resClass {
	if x != nil {
		return unpack(x.packed.Load())
	}
	c := classOf(e.conf(r))
	st, _ := e.status(r)
	c.state, c.moving = st.State.State, st.State.Flags&movingFlags != 0
	return c
}

// depsOnline counts the enabled resources n waits for that are ONLINE and
// settled there, and those that are enabled.
func (e *Engine) depsOnline(n *node) (online, all int) {
	for j, d := range n.deps {
		if x := e.class(d, n.depx[j]); x.enabled {
			all++
			if x.settled(state.Online) {
				online++
			}
		}
	}
	return online, all
}

// depsUp counts the enabled resources n waits for that are ONLINE or on
// their way somewhere (one going online may be ONLINE in a moment).
func (e *Engine) depsUp(n *node) int {
	up := 0
	for j, d := range n.deps {
		if x := e.class(d, n.depx[j]); x.enabled && (x.state == state.Online || x.moving) {
			up++
		}
	}
	return up
}
