package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
)

// DefaultTTL is the default lease TTL of a member.
const DefaultTTL = 6 * time.Second

// Errors of the cluster package.
var (
	// ErrNoLease: this system holds no lease it can show valid (not yet
	// joined, fencing, or rejoining); it may start nothing.
	ErrNoLease = errors.New("no valid cluster lease")
	// ErrOwned: another system owns the group.
	ErrOwned = errors.New("group owned by another system")
	// ErrFrozen refuses an acquisition on a frozen system or of a frozen
	// group.
	ErrFrozen = errors.New("frozen")
)

// Options configure a Member.
type Options struct {
	// Client talks to the etcd cluster; the caller closes it.
	Client *clientv3.Client
	// Prefix is the key prefix; "" = DefaultPrefix.
	Prefix string
	// System is this node's system name.
	System string
	// TTL is the lease TTL, whole seconds, at least 2 s; 0 = DefaultTTL.
	TTL    time.Duration
	Clock  clock.Clock
	Logger *zap.Logger
	// OnFence is called, in its own goroutine, when the lease can no longer
	// be shown valid. It must take every failover group of this system
	// offline before deadline, the earliest time the lease may expire on
	// the etcd leader (minus a safety margin). The member rejoins with a new
	// lease once it returns.
	OnFence func(deadline time.Time)
	// Watchdog, when set, is fed while the lease is valid for longer than
	// the watchdog's timeout plus the margin; a node whose daemon died or
	// whose fencing does not finish is reset by it before its lease can
	// expire. Its timeout must be below TTL − TTL/3 − TTL/10.
	Watchdog *Watchdog
	// Guard, when set, is told while the lease is held the time by which
	// this system's failover groups must be offline (the fence guard,
	// guard.go): it kills what the daemon started if that time passes
	// unrenewed or the daemon dies.
	Guard interface{ Until(time.Time) }
}

// Member is this system's membership of the cluster: its lease, its
// registration and the ownership of failover groups under that lease.
type Member struct {
	o Options
	k keys

	mu         sync.Mutex
	lease      clientv3.LeaseID
	validUntil time.Time // the lease cannot expire before this (local clock)
	live       bool      // registered and not fencing
	tokens     map[string]int64
	changed    chan struct{}
}

// New checks the options and returns a member that has not joined yet;
// Join registers it.
func New(o Options) (*Member, error) {
	if o.Client == nil || o.System == "" {
		return nil, errors.New("cluster: Client and System are required")
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.TTL < 2*time.Second || o.TTL%time.Second != 0 {
		return nil, fmt.Errorf("cluster: lease TTL %s: want whole seconds, at least 2s", o.TTL)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return &Member{o: o, k: keys{o.Prefix}, tokens: map[string]int64{}, changed: make(chan struct{})}, nil
}

// System returns this member's system name.
func (m *Member) System() string { return m.o.System }

// TTL returns the lease TTL.
func (m *Member) TTL() time.Duration { return m.o.TTL }

// Changed returns a channel closed at the next change of this member's
// lease state (joined, fencing).
func (m *Member) Changed() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.changed
}

func (m *Member) signal() { close(m.changed); m.changed = make(chan struct{}) }

// Live reports whether the member holds a lease it can show valid now.
func (m *Member) Live() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.live && m.o.Clock.Now().Before(m.validUntil)
}

// registration is the value of a system key.
type registration struct {
	System string `json:"system"`
	PID    int    `json:"pid"`
	Since  string `json:"since"`
}

// Join grants a lease and registers this system under it. A system key
// that is already registered under another live lease (a second daemon
// with the same name) is an error.
func (m *Member) Join(ctx context.Context) error {
	send := m.o.Clock.Now()
	g, err := m.o.Client.Grant(ctx, int64(m.o.TTL/time.Second))
	if err != nil {
		return fmt.Errorf("cluster: grant lease for system %q: %w", m.o.System, err)
	}
	val, _ := json.Marshal(registration{System: m.o.System, PID: os.Getpid(), Since: send.UTC().Format(time.RFC3339Nano)})
	key := m.k.system(m.o.System)
	resp, err := m.o.Client.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, string(val), clientv3.WithLease(g.ID))).Commit()
	if err == nil && !resp.Succeeded {
		err = fmt.Errorf("system %q is already registered by a live member", m.o.System)
	}
	if err != nil {
		m.revoke(g.ID)
		return fmt.Errorf("cluster: register system %q: %w", m.o.System, err)
	}
	m.mu.Lock()
	m.lease, m.live = g.ID, true
	m.validUntil = send.Add(time.Duration(g.TTL) * time.Second)
	m.tokens = map[string]int64{}
	m.signal()
	m.mu.Unlock()
	m.o.Logger.Info("joined cluster", zap.String("system", m.o.System), zap.Int64("lease", int64(g.ID)),
		zap.Duration("ttl", m.o.TTL))
	return nil
}

// revoke ends a lease, best effort, within TTL/5.
func (m *Member) revoke(id clientv3.LeaseID) {
	ctx, cancel := context.WithTimeout(context.Background(), m.o.TTL/5)
	defer cancel()
	if _, err := m.o.Client.Revoke(ctx, id); err != nil && !errors.Is(err, rpctypes.ErrLeaseNotFound) {
		m.o.Logger.Debug("revoke lease", zap.Int64("lease", int64(id)), zap.Error(err))
	}
}

// Leave revokes the lease: the system key and every owner key under it
// disappear at once. The caller must have taken this system's failover
// groups offline first.
func (m *Member) Leave() {
	m.mu.Lock()
	id := m.lease
	m.live, m.lease = false, 0
	m.signal()
	m.mu.Unlock()
	if id != 0 {
		m.revoke(id)
	}
	if m.o.Watchdog != nil {
		m.o.Watchdog.Close()
	}
}

// Run keeps the lease alive until ctx ends: it renews it every TTL/6,
// fences when the lease can no longer be shown valid for TTL/3 + TTL/10
// more, and rejoins with a new lease after fencing (see doc.go for the
// timing).
func (m *Member) Run(ctx context.Context) {
	for ctx.Err() == nil {
		m.hold(ctx)
		if ctx.Err() != nil {
			return
		}
		m.rejoin(ctx)
	}
}

// timing returns the renewal period, the lead time fencing starts with
// before the lease could expire, and the safety margin before expiry by
// which fencing must be done: TTL/6, TTL/3 + TTL/10 and TTL/10. A node
// thus tolerates TTL − TTL/3 − TTL/10 − TTL/6 (2.4 s at 6 s) without a
// successful renewal, more than an etcd leader election, before fencing.
func (m *Member) timing() (renew, lead, margin time.Duration) {
	margin = m.o.TTL / 10
	return m.o.TTL / 6, m.o.TTL/3 + margin, margin
}

type renewal struct {
	send time.Time
	ttl  int64
	err  error
}

// hold renews the lease until it must fence; it returns after fencing
// (OnFence returned) or when ctx ends.
func (m *Member) hold(ctx context.Context) {
	renew, lead, margin := m.timing()
	guard := renew / 4
	results := make(chan renewal, 1)
	inFlight := false
	next := m.o.Clock.Now()
	for {
		now := m.o.Clock.Now()
		m.mu.Lock()
		id, valid := m.lease, m.validUntil
		m.mu.Unlock()
		if !inFlight && !now.Before(next) {
			inFlight, next = true, now.Add(renew)
			go func() {
				rctx, cancel := context.WithTimeout(ctx, renew)
				defer cancel()
				resp, err := m.o.Client.KeepAliveOnce(rctx, id)
				r := renewal{send: now, err: err}
				if err == nil {
					r.ttl = resp.TTL
				}
				results <- r
			}()
		}
		if now.Add(lead).After(valid) {
			m.fence(valid.Add(-margin), "lease not renewed in time")
			m.drain(results, inFlight)
			return
		}
		m.feed()
		select {
		case <-ctx.Done():
			m.drain(results, inFlight)
			return
		case r := <-results:
			inFlight = false
			switch {
			case r.err == nil && r.ttl > 0:
				m.mu.Lock()
				if u := r.send.Add(time.Duration(r.ttl) * time.Second); u.After(m.validUntil) {
					m.validUntil = u
				}
				m.mu.Unlock()
			case errors.Is(r.err, rpctypes.ErrLeaseNotFound) || (r.err == nil && r.ttl <= 0):
				m.fence(m.o.Clock.Now(), "lease expired")
				return
			default:
				m.o.Logger.Warn("lease renewal failed", zap.String("system", m.o.System), zap.Error(r.err))
			}
		case <-m.o.Clock.After(guard):
		}
	}
}

func (m *Member) drain(results chan renewal, inFlight bool) {
	if inFlight {
		<-results
	}
}

// feed tells the guard the deadline of the lease as known now (only while
// holding: during fencing the deadline it has stands, and the daemon may
// clear it) and feeds the watchdog.
func (m *Member) feed() {
	_, _, margin := m.timing()
	m.mu.Lock()
	valid := m.validUntil
	m.mu.Unlock()
	if m.o.Guard != nil && !valid.IsZero() {
		m.o.Guard.Until(valid.Add(-margin))
	}
	m.feedWatchdog()
}

// feedWatchdog feeds the watchdog only while the lease is valid for
// longer than the watchdog's timeout plus the margin: a node whose daemon
// dies, or whose fencing does not finish, is reset before its lease can
// expire.
func (m *Member) feedWatchdog() {
	if m.o.Watchdog == nil {
		return
	}
	_, _, margin := m.timing()
	m.mu.Lock()
	ok := m.o.Clock.Now().Add(m.o.Watchdog.Timeout() + margin).Before(m.validUntil)
	m.mu.Unlock()
	if ok {
		m.o.Watchdog.Feed()
	}
}

// fence marks the member not live and calls OnFence; it returns once
// OnFence did, feeding the watchdog until the deadline only.
func (m *Member) fence(deadline time.Time, why string) {
	m.mu.Lock()
	m.live = false
	m.tokens = map[string]int64{}
	m.signal()
	m.mu.Unlock()
	m.o.Logger.Error("fencing: taking failover groups offline", zap.String("system", m.o.System),
		zap.String("reason", why), zap.Time("deadline", deadline))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if m.o.OnFence != nil {
			m.o.OnFence(deadline)
		}
	}()
	for {
		m.feedWatchdog()
		select {
		case <-done:
			return
		case <-m.o.Clock.After(m.o.TTL / 20):
		}
	}
}

// rejoin returns to the cluster after fencing, retrying every TTL/5 until
// ctx ends. While the old lease is still alive (renewals were only late,
// or a new etcd leader extended it), renewing it makes the member live
// again: its owner keys are still there, and the controller releases those
// of groups it took offline. Once the old lease is gone (or revoked), it
// joins with a new one.
func (m *Member) rejoin(ctx context.Context) {
	m.mu.Lock()
	old := m.lease
	m.mu.Unlock()
	renew, _, _ := m.timing()
	for ctx.Err() == nil {
		if old != 0 {
			send := m.o.Clock.Now()
			rctx, cancel := context.WithTimeout(ctx, renew)
			resp, err := m.o.Client.KeepAliveOnce(rctx, old)
			cancel()
			if err == nil && resp.TTL > 0 {
				m.mu.Lock()
				m.live, m.validUntil = true, send.Add(time.Duration(resp.TTL)*time.Second)
				m.signal()
				m.mu.Unlock()
				m.o.Logger.Info("lease renewed again after fencing", zap.String("system", m.o.System))
				return
			}
			if errors.Is(err, rpctypes.ErrLeaseNotFound) || (err == nil && resp.TTL <= 0) {
				old = 0
			} else {
				m.revoke(old)
			}
		}
		jctx, cancel := context.WithTimeout(ctx, m.o.TTL)
		err := m.Join(jctx)
		cancel()
		if err == nil {
			return
		}
		m.o.Logger.Warn("rejoin failed", zap.String("system", m.o.System), zap.Error(err))
		select {
		case <-ctx.Done():
		case <-m.o.Clock.After(m.o.TTL / 5):
		}
	}
}
