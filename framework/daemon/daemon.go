package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	sdnotify "github.com/coreos/go-systemd/v22/daemon"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/metrics"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/framework/stats"
	"github.com/vigil-ha/vigil/plugins/imf"
)

// Settings are the daemon's settings, as `vigil agent` takes them from
// flags and VIGIL_* variables.
type Settings struct {
	Config      string // configuration directory (or main.cf)
	Socket      string // API socket
	StateDir    string // group intents, the lock, the default VCS_HOME tree
	LogDir      string // engine_A.log, <Type>_A.log
	System      string // this node's name in main.cf; "" = the host name
	LogFormat   string // agentlog.FormatVCS or FormatJSON
	MetricsAddr string // Prometheus endpoint; "" = off
	VCSHome     string // "" = <StateDir>/vcs
	// StopTimeout bounds stopping the agents at shutdown.
	StopTimeout time.Duration
	// TriggerTimeout bounds one trigger script run.
	TriggerTimeout time.Duration
	// Stderr receives the console log; nil = os.Stderr.
	Stderr io.Writer
	// Registry picks each type's implementation; nil = DefaultRegistry().
	Registry *Registry
	// Debug writes every agent's state-machine step lines (without it,
	// only types whose LogDbg is set get them).
	Debug bool
	// Cluster configures multi-node operation; the zero value is single-node.
	Cluster ClusterSettings
}

// Daemon is one running `vigil agent`.
type Daemon struct {
	s       Settings
	cfg     *model.Config
	system  string
	log     *zap.Logger
	logOpts agentlog.Options
	closers []io.Closer
	lock    *stateLock
	env     *Env
	run     *runner.Runner
	bus     *events.Bus
	met     *metrics.Metrics
	metLn   net.Listener // the metrics address, bound by prepare
	book    *stats.Book  // monitor statistics (stats.go)
	imf     *imf.Manager // intelligent monitoring (imf.go)
	ready   chan struct{}
	subs    sync.WaitGroup // bus subscribers (triggers, metrics)
	clu     *clusterRun    // nil when single-node (cluster.go)
	impls   implSet        // opened implementations: plugins to close, re-probe on relaunch
	closed  sync.Once
}

// New loads and validates the configuration, chooses the system, locks the
// state directory and prepares logs and the entry points' environment. A
// configuration with errors gives an error wrapping its syntax.ErrorList.
// Close releases what New took when Run is not called.
func New(s Settings) (*Daemon, error) {
	if s.Stderr == nil {
		s.Stderr = os.Stderr
	}
	if s.Registry == nil {
		s.Registry = DefaultRegistry()
	}
	if s.StopTimeout <= 0 {
		s.StopTimeout = 2 * time.Minute
	}
	if err := absPaths(&s); err != nil {
		return nil, err
	}
	cfg, err := config.Load(s.Config)
	if err != nil {
		return nil, err
	}
	sys, err := chooseSystem(cfg, s.System)
	if err != nil {
		return nil, err
	}
	cfg.SetLocal(sys) // per-system values (Attr@sys) resolve for this node
	d := &Daemon{s: s, cfg: cfg, system: sys, bus: events.NewBus(10000, nil), ready: make(chan struct{}),
		book: stats.NewBook(0)}
	if err := d.prepare(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// System returns this node's name.
func (d *Daemon) System() string { return d.system }

// Ready is closed once every resource is probed and the API serves.
func (d *Daemon) Ready() <-chan struct{} { return d.ready }

// prepare creates the directories, locks the state directory, opens the
// logs, becomes a subreaper and writes the compatibility tree.
func (d *Daemon) prepare() error {
	for _, dir := range []string{d.s.StateDir, d.s.LogDir} {
		if err := os.MkdirAll(dir, 0o750); err != nil { // logs hold attribute values: not world-readable
			return err
		}
	}
	lock, err := lockStateDir(d.s.StateDir)
	if err != nil {
		return err
	}
	d.lock = lock
	cleanLeftovers(d.cfg.Dir, d.s.StateDir)
	d.logOpts = agentlog.Options{Dir: d.s.LogDir, Format: d.s.LogFormat}
	fileLog, c, err := agentlog.Engine(d.logOpts)
	if err != nil {
		return fmt.Errorf("engine log: %w", err)
	}
	d.closers = append(d.closers, c)
	d.log = zap.New(zapcore.NewTee(fileLog.Core(), ConsoleCore(d.s.Stderr)))
	d.run = runner.New(runner.Options{Logger: d.log})
	if err := d.run.BecomeSubreaper(); err != nil {
		d.log.Warn("cannot become a child subreaper; orphans are reaped by init", zap.Error(err))
	}
	d.killPrevious()
	if d.env, err = NewEnv(d.cfg, d.s.StateDir, d.s.VCSHome); err != nil {
		return err
	}
	if d.s.MetricsAddr != "" {
		// Bound now, so an address that cannot be had stops the start
		// instead of leaving a daemon without the metrics it was asked for.
		ln, err := net.Listen("tcp", d.s.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics address %s: %w", d.s.MetricsAddr, err)
		}
		d.closers = append(d.closers, ln)
		d.metLn = ln
		d.met = metrics.New(clock.Real{})
	}
	return nil
}

// Run serves until ctx ends, then stops the agents (taking nothing
// offline), waits for killed entry-point trees and stops the API server.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.Close()
	l, err := api.Listen(d.s.Socket)
	if err != nil {
		return err
	}
	defer os.Remove(d.s.Socket)
	d.imf = d.newIMF()
	eo := engine.Options{Config: d.cfg, System: d.system, Clock: clock.Real{}, Logger: d.log,
		Bus: d.bus, NewAgent: d.newAgent, StateDir: d.s.StateDir, Dump: config.Dump}
	if d.s.Cluster.Enabled() {
		if d.clu, err = d.startCluster(ctx); err != nil {
			l.Close()
			return err
		}
		defer d.clu.close()
		eo.Placement = d.clu.ctl
	}
	eng, err := engine.New(eo)
	if err != nil {
		l.Close()
		return err
	}
	if d.clu != nil {
		d.clu.run(eng)
	}
	if err := eng.CheckStateDir(); err != nil {
		d.log.Error("state directory not writable", zap.Error(err))
	}
	d.startSubscribers(ctx)
	srvCtx, srvStop := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	so := api.ServerOptions{Backend: statsBackend{eng, d.book}, Bus: d.bus, Logger: d.log, AllowUID: os.Getuid(),
		IMF: d.imfStatus}
	if d.clu != nil {
		so.Cluster = clusterAPI{cr: d.clu, cfg: d.cfg}
	}
	go func() {
		srvDone <- api.NewServer(so).Serve(srvCtx, l)
	}()
	d.log.Info("vigil agent starting", zap.String("system", d.system), zap.String("config", d.cfg.Dir),
		zap.String("socket", d.s.Socket), zap.Int("pid", os.Getpid()))
	if err := eng.Start(ctx); err != nil {
		d.bus.Close()
		d.subs.Wait()
		srvStop()
		<-srvDone
		return err
	}
	sdnotify.SdNotify(false, sdnotify.SdNotifyReady)
	d.log.Info("vigil agent ready: all resources probed")
	close(d.ready)
	go d.watchdog(ctx, eng)
	<-ctx.Done()
	return d.shutdown(eng, func() { srvStop(); <-srvDone })
}

// shutdown stops the agents (nothing is taken offline), waits for killed
// entry point trees, ends event streams and then the API server.
func (d *Daemon) shutdown(eng *engine.Engine, stopServer func()) error {
	sdnotify.SdNotify(false, sdnotify.SdNotifyStopping)
	d.log.Info("vigil agent stopping: stopping agents")
	sctx, cancel := context.WithTimeout(context.Background(), d.s.StopTimeout)
	defer cancel()
	if d.clu != nil {
		d.clu.stop(sctx) // failover groups go to the other systems first
	}
	stopErr := eng.Stop(sctx)
	d.imf.Close() // the agents no longer register or unregister
	if err := d.run.Drain(sctx); err != nil {
		d.log.Warn("entry points still being killed at exit", zap.Error(err))
	}
	d.bus.Close() // ends `vigil events --follow` streams, so the server stops at once
	d.subs.Wait() // a trigger still running ends within its timeout
	stopServer()
	d.log.Info("vigil agent stopped")
	return stopErr
}

// Close releases the logs, the runner's cgroups and the state directory
// lock. Run calls it once everything it started has stopped; it is
// idempotent.
func (d *Daemon) Close() {
	d.closed.Do(func() {
		if d.log != nil {
			d.log.Sync()
		}
		d.impls.close() // plugin processes: their agents have stopped
		if d.run != nil {
			d.run.Close()
		}
		for _, c := range d.closers {
			c.Close()
		}
		d.lock.unlock()
	})
}

// newAgent creates and starts the agent of one type, with the
// implementation the registry picks for it.
func (d *Daemon) newAgent(t *model.Type, h engine.AgentHooks) (engine.Agent, error) {
	alog, c, err := agentlog.Agent(d.logOpts, t.Name)
	if err != nil {
		return nil, fmt.Errorf("agent log: %w", err)
	}
	d.closers = append(d.closers, c)
	impl, kind, err := d.s.Registry.Open(t, OpenContext{Env: d.env, Runner: d.run, Logger: alog})
	if err != nil {
		return nil, err
	}
	o := agent.Options{Type: t, Impl: impl, Clock: clock.Real{}, Logger: alog, Notify: h.Notify, Snapshot: h.Snapshot,
		Debug: d.s.Debug}
	if d.met != nil {
		o.Observe = d.met.ObserveRun
	}
	if d.clu != nil {
		o.Env = d.clu.fencingEnv
	}
	o.MonitorDone = d.monitorDone(t.Name, h.Notify)
	timf, err := d.typeIMF(t, kind, impl, h.Snapshot)
	if err != nil {
		return nil, err
	}
	if timf != nil {
		o.IMF = timf
	}
	a, err := agent.New(o)
	if err != nil {
		closeImpl(impl)
		return nil, err
	}
	d.impls.adopt(impl, a)
	d.log.Debug("agent implementation chosen", zap.String("type", t.Name), zap.String("kind", kind))
	if timf != nil {
		timf.Bind(a.MonitorNow)
	}
	a.Start()
	return a, nil
}

// startSubscribers starts triggers and metrics on the bus. Neither is ever
// dropped silently: events they fall too far behind to receive are counted,
// logged and published as events-lost.
func (d *Daemon) startSubscribers(ctx context.Context) {
	tr := newTriggers(d)
	bg := context.WithoutCancel(ctx) // they end when the bus closes
	d.follow(bg, "triggers", func(e events.Event) { tr.Handle(bg, e) })
	if d.met == nil {
		return
	}
	d.follow(bg, "metrics", d.met.Observe)
	mux := http.NewServeMux()
	mux.Handle("/metrics", d.met.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(d.metLn)
	go func() { <-ctx.Done(); srv.Close() }()
}

// follow runs fn for every bus event until the bus closes; shutdown waits
// for it.
func (d *Daemon) follow(ctx context.Context, name string, fn func(events.Event)) {
	d.subs.Add(1)
	go func() {
		defer d.subs.Done()
		d.bus.Follow(ctx, 4096, fn, d.lost(name))
	}()
}

// lost returns the loss report of one bus subscriber.
func (d *Daemon) lost(subscriber string) func(uint64) {
	return func(n uint64) {
		d.log.Warn("bus subscriber fell behind; events lost", zap.String("subscriber", subscriber), zap.Uint64("lost", n))
		if d.met != nil {
			d.met.Lost(subscriber, n)
		}
		d.bus.Publish(events.Event{Kind: events.KindEventsLost, Cause: subscriber,
			Detail: fmt.Sprintf("%s lost %d event(s)", subscriber, n)})
	}
}

// chooseSystem returns this node's system name: flag (which must be
// declared in main.cf when main.cf declares systems), else the host name.
func chooseSystem(cfg *model.Config, flag string) (string, error) {
	known := func(s string) bool {
		for _, x := range cfg.Systems {
			if x == s {
				return true
			}
		}
		return false
	}
	if flag != "" {
		if len(cfg.Systems) > 0 && !known(flag) {
			return "", fmt.Errorf("system %q is not declared in main.cf (systems: %s)", flag, strings.Join(cfg.Systems, ", "))
		}
		return flag, nil
	}
	host, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("host name: %w", err)
	}
	short, _, _ := strings.Cut(host, ".")
	for _, s := range []string{host, short} {
		if known(s) {
			return s, nil
		}
	}
	if len(cfg.Systems) == 0 {
		return short, nil
	}
	return "", errors.New("this host (" + host + ") is not a system of main.cf (systems: " +
		strings.Join(cfg.Systems, ", ") + "); name it with --system")
}

// ConsoleCore is the daemon's console log on w (its standard error): zap's
// console format, INFO and above. The fence guard logs the same way.
func ConsoleCore(w io.Writer) zapcore.Core {
	return zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.Lock(zapcore.AddSync(w)), zapcore.InfoLevel)
}
