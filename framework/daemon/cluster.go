package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/cluster"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
)

// ClusterSettings configure multi-node operation over etcd. The zero value
// is the single-node daemon, exactly as without clusters.
type ClusterSettings struct {
	// Embedded runs an etcd member inside the daemon (`--cluster`).
	Embedded bool
	// Endpoints are the client URLs of an existing etcd cluster
	// (`--etcd-endpoints`); with Embedded, the endpoints the client uses
	// (default: this member and the others of InitialCluster).
	Endpoints []string
	// PeerURL and ClientURL are the embedded member's URLs.
	PeerURL, ClientURL string
	// InitialCluster lists the embedded members (name=peerURL,...), the
	// names being system names; "" = this system alone.
	InitialCluster string
	// DataDir is the embedded member's data; "" = <state-dir>/etcd.
	DataDir string
	// TTL is the lease TTL; 0 = cluster.DefaultTTL.
	TTL time.Duration
	// Watchdog is a watchdog device (/dev/watchdog); "" = none.
	Watchdog string
	// Prefix is the etcd key prefix; "" = cluster.DefaultPrefix.
	Prefix string
	// Guard is the command of the fence guard (`vigil fence-guard`; the
	// daemon adds --cgroup <its runner's cgroup base>, or --marker <its
	// runner's run marker prefix> where runs get no cgroup): a process of its
	// own that kills what the daemon started when the daemon dies or stops
	// renewing its deadline (cluster/guard.go). nil = no guard (a death of
	// the daemon then leaves its resources running; only Watchdog covers
	// it).
	Guard []string
}

// Enabled reports whether the daemon runs in a cluster.
func (c ClusterSettings) Enabled() bool { return c.Embedded || len(c.Endpoints) > 0 }

// clusterRun is the daemon's part of a cluster while it runs.
type clusterRun struct {
	log     *zap.Logger
	emb     *cluster.Embedded
	cli     *clientv3.Client
	wd      *cluster.Watchdog
	guard   *cluster.GuardConn // nil = no fence guard
	m       *cluster.Member
	ctl     *cluster.Controller
	stopRun context.CancelFunc
	runs    chan struct{}
	stopCtl context.CancelFunc
	ctlDone chan struct{}
	closed  sync.Once
	// guardProc is the fence guard's process; released is set before the
	// daemon releases it on a clean stop.
	guardProc *runner.Detached
	released  atomic.Bool
}

// startCluster starts the embedded member if asked, connects, and joins
// the cluster under this system's name, waiting while a previous
// incarnation's registration is still alive.
func (d *Daemon) startCluster(ctx context.Context) (*clusterRun, error) {
	cs := d.s.Cluster
	cr := &clusterRun{log: d.log.Named("cluster")}
	fail := func(err error) (*clusterRun, error) { cr.close(); return nil, err }
	eps := cs.Endpoints
	if cs.Embedded {
		if cs.DataDir == "" {
			cs.DataDir = filepath.Join(d.s.StateDir, "etcd")
		}
		if cs.PeerURL == "" {
			cs.PeerURL = "http://127.0.0.1:2380"
		}
		if cs.ClientURL == "" {
			cs.ClientURL = "http://127.0.0.1:2379"
		}
		emb, err := cluster.StartEmbedded(ctx, cluster.EmbedOptions{Name: d.system, DataDir: cs.DataDir,
			PeerURL: cs.PeerURL, ClientURL: cs.ClientURL, InitialCluster: cs.InitialCluster, Logger: d.log})
		if err != nil {
			return fail(err)
		}
		cr.emb = emb
		if len(eps) == 0 {
			// Only this node's member: a node cut off from the others must
			// fail to renew (and fence) at once, and a client holding
			// connections to unreachable members would stall its requests.
			eps = emb.ClientURLs()
		}
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: eps, DialTimeout: 5 * time.Second, Logger: d.log.Named("etcd-client").WithOptions(zap.IncreaseLevel(zap.ErrorLevel))})
	if err != nil {
		return fail(fmt.Errorf("etcd client %v: %w", eps, err))
	}
	cr.cli = cli
	if cs.Watchdog != "" {
		ttl := cs.TTL
		if ttl == 0 {
			ttl = cluster.DefaultTTL
		}
		// TTL/3 (at least 1 s): fed only while the lease outlives it.
		if cr.wd, err = cluster.OpenWatchdog(cs.Watchdog, max(ttl/3, time.Second)); err != nil {
			return fail(err)
		}
	}
	if err := cr.startGuard(d); err != nil {
		return fail(err)
	}
	mo := cluster.Options{Client: cli, Prefix: cs.Prefix, System: d.system, TTL: cs.TTL,
		Logger: d.log.Named("cluster"), Watchdog: cr.wd, OnFence: func(deadline time.Time) {
			if cr.ctl.Fence(deadline) && cr.guard != nil {
				cr.guard.Clear() // every failover group is offline: nothing to kill at the deadline
			}
		}}
	if cr.guard != nil {
		mo.Guard = cr.guard
	}
	m, err := cluster.New(mo)
	if err != nil {
		return fail(err)
	}
	cr.m = m
	cr.ctl = cluster.NewController(m, nil, d.log.Named("cluster"))
	for {
		jctx, cancel := context.WithTimeout(ctx, m.TTL())
		err := m.Join(jctx)
		cancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return fail(fmt.Errorf("join cluster: %w", errors.Join(err, ctx.Err())))
		}
		d.log.Warn("cannot join the cluster yet; retrying", zap.Error(err))
		select {
		case <-ctx.Done():
		case <-clock.Real{}.After(m.TTL() / 5):
		}
	}
	return cr, nil
}

// startGuard starts the fence guard (ClusterSettings.Guard) on the
// runner's cgroup tree, before this system holds a lease.
func (cr *clusterRun) startGuard(d *Daemon) error {
	argv := d.s.Cluster.Guard
	if len(argv) == 0 {
		cr.log.Warn("no fence guard: if this daemon dies, its resources keep running while another system takes its groups over (only --watchdog covers that)")
		return nil
	}
	// What the guard kills: the runner's cgroup tree, or where runs get no
	// cgroup, every process carrying the runner's run marker.
	target := []string{"--cgroup", d.run.CgroupBase()}
	if target[1] == "" {
		target = []string{"--marker", d.run.MarkerPrefix()}
		cr.log.Warn("entry points run without cgroups here: the fence guard finds what to kill by its environment marker, which a process that clears its environment escapes")
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("fence guard: %w", err)
	}
	stderr, _ := d.s.Stderr.(*os.File) // the daemon's standard error, where its console log goes
	g, err := d.run.StartDetached(argv[0], append(slices.Clone(argv[1:]), target...), []*os.File{r}, stderr)
	r.Close()
	if err != nil {
		w.Close()
		return fmt.Errorf("fence guard: %w", err)
	}
	cr.guard = cluster.NewGuardConn(w, nil, cr.log)
	cr.guardProc = g
	cr.log.Info("fence guard started", zap.Int("pid", g.Pid()), zap.Strings("kills", target))
	go func() {
		<-g.Done()
		if !cr.released.Load() {
			cr.log.Error("fence guard exited: a death of this daemon no longer stops its resources", zap.Error(g.Err()))
		}
	}()
	return nil
}

// run keeps the lease and, once the engine has probed, applies the policy.
func (cr *clusterRun) run(eng *engine.Engine) {
	cr.ctl.Attach(eng)
	rctx, stop := context.WithCancel(context.Background())
	cr.stopRun, cr.runs = stop, make(chan struct{})
	go func() { defer close(cr.runs); cr.m.Run(rctx) }()
	cctx, stopCtl := context.WithCancel(context.Background())
	cr.stopCtl, cr.ctlDone = stopCtl, make(chan struct{})
	go func() {
		defer close(cr.ctlDone)
		select {
		case <-eng.Probed():
			if cr.emb != nil {
				go cr.steer(cctx)
			}
			cr.ctl.Run(cctx)
		case <-cctx.Done():
		}
	}()
}

// steer moves etcd leadership away from this embedded member while this
// system owns failover groups (checked every TTL/5), to a member whose
// system owns none if there is one. Losing an owner then does not also lose the leader, whose loss
// delays every lease's expiry by an election and a full TTL.
func (cr *clusterRun) steer(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-clock.Real{}.After(cr.m.TTL() / 5):
		}
		if len(cr.m.Owned()) == 0 {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, cr.m.TTL()/3)
		if id, ok := cr.transferee(sctx); ok {
			if _, err := cr.cli.MoveLeader(sctx, id); err != nil {
				cr.log.Debug("move etcd leadership", zap.Error(err))
			} else {
				cr.log.Info("etcd leadership moved away from a system owning groups", zap.Uint64("to", id))
			}
		}
		cancel()
	}
}

// transferee returns the member to give leadership to when this member
// leads: one whose system owns no group, caught up with the leader's log
// (a transfer to a lagging member stalls writes until it catches up), else
// none.
func (cr *clusterRun) transferee(ctx context.Context) (uint64, bool) {
	eps := cr.emb.ClientURLs()
	st, err := cr.cli.Status(ctx, eps[0])
	if err != nil || st.Leader != st.Header.MemberId {
		return 0, false
	}
	ml, err := cr.cli.MemberList(ctx)
	if err != nil {
		return 0, false
	}
	owners := map[string]bool{}
	for _, o := range cr.ctl.View().Owners {
		owners[o.System] = true
	}
	for _, mem := range ml.Members {
		if mem.ID == st.Header.MemberId || mem.IsLearner || len(mem.ClientURLs) == 0 || owners[mem.Name] {
			continue
		}
		ms, err := cr.cli.Status(ctx, mem.ClientURLs[0])
		if err != nil || len(ms.Errors) > 0 || ms.RaftAppliedIndex+10 < st.RaftAppliedIndex {
			continue
		}
		return mem.ID, true
	}
	return 0, false
}

// stop stops the policy, takes this system's failover groups offline so
// that the others take them over (like hastop -local -evacuate) while the
// lease is still renewed, then leaves the cluster and stops the member.
func (cr *clusterRun) stop(ctx context.Context) {
	if cr.stopCtl != nil {
		cr.stopCtl()
		<-cr.ctlDone
		cr.ctl.Evacuate(ctx)
	}
	cr.close()
}

// close stops the lease keeper, revokes the lease and closes the client
// and the embedded member; it is idempotent.
func (cr *clusterRun) close() {
	cr.closed.Do(func() {
		if cr.stopCtl != nil {
			cr.stopCtl()
			<-cr.ctlDone
			cr.stopRun()
			<-cr.runs
		}
		if cr.m != nil {
			cr.m.Leave()
		}
		if cr.wd != nil {
			cr.wd.Close()
		}
		if cr.guard != nil {
			cr.released.Store(true)
			cr.guard.Release()
			select { // it exits at once; a guard that does not is not waited for
			case <-cr.guardProc.Done():
			case <-clock.Real{}.After(time.Second):
			}
		}
		if cr.cli != nil {
			cr.cli.Close()
		}
		if cr.emb != nil {
			cr.emb.Close()
		}
	})
}

// fencingEnv returns the entry points' fencing environment of a resource.
func (cr *clusterRun) fencingEnv(r *model.Resource) []string {
	if cr == nil || r.Group == nil {
		return nil
	}
	return cr.ctl.FencingEnv(r.Group.Name)
}

// clusterAPI serves /v1/cluster for a daemon in a cluster.
type clusterAPI struct {
	cr  *clusterRun
	cfg *model.Config
}

var (
	_ api.ClusterBackend  = clusterAPI{}
	_ engine.GroupFreezer = (*cluster.Controller)(nil)
	_ engine.Placement    = (*cluster.Controller)(nil)
)

// Cluster reads the cluster from etcd (a quorum read) and joins it with
// the configuration's systems and groups.
func (c clusterAPI) Cluster(ctx context.Context) (wire.ClusterView, error) {
	m := c.cr.m
	v, err := m.Read(ctx)
	if err != nil {
		return wire.ClusterView{}, err
	}
	out := wire.ClusterView{System: m.System(), Live: m.Live(), LeaseTTL: m.TTL().String()}
	owned := map[string][]string{}
	for _, name := range c.cfg.GroupNames() {
		g := c.cfg.Groups[name]
		gv := wire.ClusterGroupView{Name: name, Parallel: g.Parallel(), Intent: v.Intent[name], Target: v.Targets[name],
			SystemList: cluster.ByPriority(g)}
		if o, ok := v.Owners[name]; ok && !g.Parallel() {
			gv.Owner, gv.Token = o.System, o.Token
			owned[o.System] = append(owned[o.System], name)
		}
		for s := range v.Faults[name] {
			gv.Faulted = append(gv.Faulted, s)
		}
		sort.Strings(gv.Faulted)
		out.Groups = append(out.Groups, gv)
	}
	systems := append([]string(nil), c.cfg.Systems...)
	for _, s := range v.SystemNames() {
		if !slices.Contains(systems, s) {
			systems = append(systems, s)
		}
	}
	sort.Strings(systems)
	leader := c.cr.leader(ctx)
	for _, s := range systems {
		st := "EXITED"
		if v.Systems[s] {
			st = "RUNNING"
		}
		out.Systems = append(out.Systems, wire.SystemView{Name: s, State: st, Frozen: v.Frozen[s], Groups: owned[s],
			Leader: s == leader})
	}
	return out, nil
}

// leader returns the name of the embedded member that leads etcd, "" when
// unknown (external etcd, no leader).
func (cr *clusterRun) leader(ctx context.Context) string {
	if cr.emb == nil {
		return ""
	}
	st, err := cr.cli.Status(ctx, cr.emb.ClientURLs()[0])
	if err != nil || st.Leader == 0 {
		return ""
	}
	ml, err := cr.cli.MemberList(ctx)
	if err != nil {
		return ""
	}
	for _, mem := range ml.Members {
		if mem.ID == st.Leader {
			return mem.Name
		}
	}
	return ""
}

// PlaceGroup asks for a failover group online on one system and, with
// Wait, waits until that system owns it (it owns it once its online
// started; `vigil grp state` there shows when it is ONLINE).
func (c clusterAPI) PlaceGroup(ctx context.Context, group string, req wire.PlaceRequest) error {
	g := c.cfg.Groups[group]
	if g == nil {
		return fmt.Errorf("group %q: %w", group, engine.ErrNotFound)
	}
	if g.Parallel() {
		return fmt.Errorf("group %q is Parallel: it is online on every system of its SystemList: %w", group, engine.ErrConflict)
	}
	if !slices.Contains(cluster.ByPriority(g), req.System) {
		return fmt.Errorf("system %q is not in the SystemList of group %q: %w", req.System, group, engine.ErrConflict)
	}
	v, err := c.cr.m.Read(ctx)
	if err != nil {
		return err
	}
	if v.GFrozen[group] || g.Frozen() {
		return fmt.Errorf("group %q is frozen (vigil grp unfreeze %s): %w", group, group, engine.ErrConflict)
	}
	if v.Frozen[req.System] {
		return fmt.Errorf("system %q is frozen (vigil sys unfreeze %s): %w", req.System, req.System, engine.ErrConflict)
	}
	if err := c.cr.m.Place(ctx, group, req.System, req.Switch); err != nil {
		return fmt.Errorf("%w: %w", engine.ErrConflict, err)
	}
	if !req.Wait {
		return nil
	}
	for {
		v, err := c.cr.m.Read(ctx)
		if err == nil && v.Owners[group].System == req.System && v.Targets[group] == "" {
			return nil
		}
		if err == nil && v.Faults[group][req.System] {
			return fmt.Errorf("group %q faulted on system %q: %w", group, req.System, engine.ErrFailed)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.Real{}.After(100 * time.Millisecond):
		}
	}
}

// FreezeSystem freezes or unfreezes a system declared in the
// configuration or a member of the cluster.
func (c clusterAPI) FreezeSystem(ctx context.Context, system string, on bool) error {
	if !slices.Contains(c.cfg.Systems, system) {
		v, err := c.cr.m.Read(ctx)
		if err != nil {
			return err
		}
		if !v.Systems[system] && !v.Frozen[system] {
			return fmt.Errorf("system %q is neither declared nor a member: %w", system, engine.ErrNotFound)
		}
	}
	return c.cr.m.Freeze(ctx, system, on)
}

// OfflineGroupAny makes the cluster stop wanting a failover group online;
// its owner takes it offline. With wait it returns once no system owns it.
func (c clusterAPI) OfflineGroupAny(ctx context.Context, group string, wait bool) error {
	g := c.cfg.Groups[group]
	if g == nil {
		return fmt.Errorf("group %q: %w", group, engine.ErrNotFound)
	}
	if g.Parallel() {
		return fmt.Errorf("group %q is Parallel: take it offline on each system: %w", group, engine.ErrConflict)
	}
	if err := c.cr.m.Unwant(ctx, group); err != nil {
		return err
	}
	for wait {
		v, err := c.cr.m.Read(ctx)
		if err == nil && v.Owners[group].System == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.Real{}.After(100 * time.Millisecond):
		}
	}
	return nil
}
