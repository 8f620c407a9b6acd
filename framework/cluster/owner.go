package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Acquire makes this system the owner of a failover group: the owner key is
// created under this member's lease in one transaction that succeeds only
// when no system owns the group. The key's create revision is returned as
// the group's fencing token; it grows with every change of owner. Owning
// it already returns the same token. The cluster then wants the group
// online (a failover moves it on), and a switch target naming this system
// is consumed.
func (m *Member) Acquire(ctx context.Context, group string) (int64, error) {
	return m.acquire(ctx, group, false)
}

// acquire is Acquire; adopt lets a frozen system take a group already
// online on it (a frozen system keeps what runs on it).
func (m *Member) acquire(ctx context.Context, group string, adopt bool) (int64, error) {
	m.mu.Lock()
	id, live := m.lease, m.live && m.o.Clock.Now().Before(m.validUntil)
	m.mu.Unlock()
	if !live {
		return 0, fmt.Errorf("acquire group %q on system %q: %w", group, m.o.System, ErrNoLease)
	}
	key, tkey := m.k.owner(group), m.k.target(group)
	fkey := m.k.frozen(m.o.System)
	if adopt {
		fkey = key // compared again: no system-frozen condition
	}
	resp, err := m.o.Client.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0),
		clientv3.Compare(clientv3.CreateRevision(fkey), "=", 0),
		clientv3.Compare(clientv3.CreateRevision(m.k.gfrozen(group)), "=", 0)).
		Then(clientv3.OpPut(key, m.o.System, clientv3.WithLease(id)), clientv3.OpPut(m.k.intent(group), IntentOnline),
			clientv3.OpPut(m.k.seen(group), "")).
		Else(clientv3.OpGet(key), clientv3.OpGet(fkey), clientv3.OpGet(m.k.gfrozen(group))).Commit()
	if err != nil {
		return 0, fmt.Errorf("acquire group %q on system %q: %w", group, m.o.System, err)
	}
	token := resp.Header.Revision
	if !resp.Succeeded {
		kvs := resp.Responses[0].GetResponseRange().Kvs
		if len(kvs) == 0 || string(kvs[0].Value) != m.o.System {
			// Not this system's already: a frozen system or group refuses.
			if !adopt && len(resp.Responses[1].GetResponseRange().Kvs) > 0 {
				return 0, fmt.Errorf("acquire group %q: %w: system %q is frozen (vigil sys unfreeze %s)",
					group, ErrFrozen, m.o.System, m.o.System)
			}
			if len(resp.Responses[2].GetResponseRange().Kvs) > 0 {
				return 0, fmt.Errorf("acquire group %q on system %q: %w: the group is frozen (vigil grp unfreeze %s)",
					group, m.o.System, ErrFrozen, group)
			}
		}
		if len(kvs) == 0 {
			return 0, fmt.Errorf("acquire group %q: owner key vanished; retry", group)
		}
		kv := kvs[0]
		if string(kv.Value) != m.o.System || clientv3.LeaseID(kv.Lease) != id {
			return 0, fmt.Errorf("acquire group %q on system %q: %w: online on %q (token %d)",
				group, m.o.System, ErrOwned, string(kv.Value), kv.CreateRevision)
		}
		token = kv.CreateRevision
	}
	// The target is done with once this system owns the group.
	m.o.Client.Txn(ctx).If(clientv3.Compare(clientv3.Value(tkey), "=", m.o.System)).Then(clientv3.OpDelete(tkey)).Commit()
	m.mu.Lock()
	m.tokens[group] = token
	m.mu.Unlock()
	return token, nil
}

// Owned returns the groups this system owns under its current lease.
func (m *Member) Owned() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.tokens))
	for g := range m.tokens {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// Token returns the fencing token of a group this system owns, 0 if none.
func (m *Member) Token(group string) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokens[group]
}

// ReleaseCause says why a group left this system.
type ReleaseCause int

// Release causes.
const (
	// ReleaseMove: the group moves (switch, failover); it stays wanted online.
	ReleaseMove ReleaseCause = iota
	// ReleaseFault: the group faulted here; it is marked faulted on this
	// system and moves to the next one.
	ReleaseFault
	// ReleaseAdmin: an administrator took it offline; the cluster no
	// longer wants it online.
	ReleaseAdmin
)

// Release gives up ownership of a group this system took offline. The
// owner key is deleted only while it is still this system's under this
// lease, so a late release never removes another system's ownership.
func (m *Member) Release(ctx context.Context, group string, why ReleaseCause) error {
	m.mu.Lock()
	id := m.lease
	delete(m.tokens, group)
	m.mu.Unlock()
	key := m.k.owner(group)
	ops := []clientv3.Op{clientv3.OpDelete(key)}
	switch why {
	case ReleaseFault:
		ops = append(ops, clientv3.OpPut(m.k.fault(group, m.o.System), ""))
	case ReleaseAdmin:
		ops = append(ops, clientv3.OpDelete(m.k.intent(group)), clientv3.OpDelete(m.k.target(group)))
	}
	_, err := m.o.Client.Txn(ctx).If(clientv3.Compare(clientv3.Value(key), "=", m.o.System),
		clientv3.Compare(clientv3.LeaseValue(key), "=", id)).Then(ops...).Commit()
	if err != nil {
		return fmt.Errorf("release group %q on system %q: %w", group, m.o.System, err)
	}
	if why == ReleaseFault { // also when the owner key was already gone
		if _, err := m.o.Client.Put(ctx, m.k.fault(group, m.o.System), ""); err != nil {
			return fmt.Errorf("mark group %q faulted on system %q: %w", group, m.o.System, err)
		}
	}
	return nil
}

// Bootstrap records, once per cluster, that an AutoStart group is wanted
// online on the first available system of its AutoStartList.
func (m *Member) Bootstrap(ctx context.Context, group string) error {
	seen := m.k.seen(group)
	_, err := m.o.Client.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(seen), "=", 0)).
		Then(clientv3.OpPut(seen, ""), clientv3.OpPut(m.k.intent(group), IntentAutoStart)).Commit()
	if err != nil {
		return fmt.Errorf("bootstrap group %q: %w", group, err)
	}
	return nil
}

// Place asks for a group online on one system: the cluster wants it online,
// its fault on that system is cleared, and the system becomes its target.
// With onlyMove, the group must be online somewhere (a switch).
func (m *Member) Place(ctx context.Context, group, system string, onlyMove bool) error {
	ops := []clientv3.Op{clientv3.OpPut(m.k.intent(group), IntentOnline), clientv3.OpPut(m.k.target(group), system),
		clientv3.OpDelete(m.k.fault(group, system)), clientv3.OpPut(m.k.seen(group), "")}
	var cmps []clientv3.Cmp
	if onlyMove {
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(m.k.owner(group)), ">", 0))
	}
	resp, err := m.o.Client.Txn(ctx).If(cmps...).Then(ops...).Commit()
	if err != nil {
		return fmt.Errorf("place group %q on system %q: %w", group, system, err)
	}
	if !resp.Succeeded {
		return fmt.Errorf("switch group %q: it is not online on any system", group)
	}
	return nil
}

// Unwant records that the cluster no longer wants a group online; its
// owner takes it offline.
func (m *Member) Unwant(ctx context.Context, group string) error {
	if _, err := m.o.Client.Txn(ctx).Then(clientv3.OpDelete(m.k.intent(group)), clientv3.OpDelete(m.k.target(group))).Commit(); err != nil {
		return fmt.Errorf("offline group %q in the cluster: %w", group, err)
	}
	return nil
}

// ClearFault forgets a group's fault on a system ("" = on every system).
func (m *Member) ClearFault(ctx context.Context, group, system string) error {
	var err error
	if system == "" {
		_, err = m.o.Client.Delete(ctx, m.k.faultsOf(group), clientv3.WithPrefix())
	} else {
		_, err = m.o.Client.Delete(ctx, m.k.fault(group, system))
	}
	if err != nil {
		return fmt.Errorf("clear fault of group %q: %w", group, err)
	}
	return nil
}

// Freeze freezes (or unfreezes) a system: a frozen system takes no
// failover group.
func (m *Member) Freeze(ctx context.Context, system string, on bool) error {
	var err error
	if on {
		_, err = m.o.Client.Put(ctx, m.k.frozen(system), "")
	} else {
		_, err = m.o.Client.Delete(ctx, m.k.frozen(system))
	}
	if err != nil {
		return fmt.Errorf("freeze system %q: %w", system, err)
	}
	return nil
}

// Owner is the owner of a failover group.
type Owner struct {
	System string
	Token  int64 // create revision of the owner key: the fencing token
}

// View is one consistent read of the cluster's keys.
type View struct {
	Rev     int64
	Systems map[string]bool // live members
	Owners  map[string]Owner
	Intent  map[string]string
	Faults  map[string]map[string]bool // group -> system -> faulted
	Targets map[string]string
	Frozen  map[string]bool // frozen systems
	GFrozen map[string]bool // frozen failover groups
	// FaultRev is, per group, the newest mod revision of its fault keys:
	// when it last faulted somewhere.
	FaultRev map[string]int64
}

// SystemNames returns the live members, sorted.
func (v View) SystemNames() []string {
	out := make([]string, 0, len(v.Systems))
	for s := range v.Systems {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Read returns a linearizable view of the cluster: it needs a quorum, so a
// node cut off from the majority reads nothing and so decides nothing.
func (m *Member) Read(ctx context.Context) (View, error) {
	resp, err := m.o.Client.Get(ctx, m.k.prefix, clientv3.WithPrefix())
	if err != nil {
		return View{}, fmt.Errorf("read cluster state: %w", err)
	}
	v := View{Rev: resp.Header.Revision, Systems: map[string]bool{}, Owners: map[string]Owner{},
		Intent: map[string]string{}, Faults: map[string]map[string]bool{}, Targets: map[string]string{},
		Frozen: map[string]bool{}, GFrozen: map[string]bool{}, FaultRev: map[string]int64{}}
	for _, kv := range resp.Kvs {
		dir, rest := m.k.split(string(kv.Key))
		switch dir {
		case dirSystems:
			var r registration
			if json.Unmarshal(kv.Value, &r) == nil {
				v.Systems[rest] = true
			}
		case dirOwners:
			v.Owners[rest] = Owner{System: string(kv.Value), Token: kv.CreateRevision}
		case dirIntent:
			v.Intent[rest] = string(kv.Value)
		case dirFaults:
			if i := lastSlash(rest); i > 0 {
				g, s := rest[:i], rest[i+1:]
				if v.Faults[g] == nil {
					v.Faults[g] = map[string]bool{}
				}
				v.Faults[g][s] = true
				v.FaultRev[g] = max(v.FaultRev[g], kv.ModRevision)
			}
		case dirTargets:
			v.Targets[rest] = string(kv.Value)
		case dirFrozen:
			v.Frozen[rest] = true
		case dirGFrozen:
			v.GFrozen[rest] = true
		}
	}
	return v, nil
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// Watch returns a channel that receives a value after every change under
// the prefix, until ctx ends. Changes may be coalesced; the receiver reads
// the whole view again.
func (m *Member) Watch(ctx context.Context) <-chan struct{} {
	out := make(chan struct{}, 1)
	wc := m.o.Client.Watch(clientv3.WithRequireLeader(ctx), m.k.prefix, clientv3.WithPrefix())
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-wc:
				if !ok {
					if ctx.Err() != nil {
						return
					}
					select {
					case <-ctx.Done():
						return
					case <-m.o.Clock.After(m.o.TTL / 10):
					}
					wc = m.o.Client.Watch(clientv3.WithRequireLeader(ctx), m.k.prefix, clientv3.WithPrefix())
				}
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out
}
