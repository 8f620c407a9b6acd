package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	sdnotify "github.com/coreos/go-systemd/v22/daemon"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/metrics"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/framework/trigger"
	"github.com/vigil-ha/vigil/scripts"
)

func init() { subcommands = append(subcommands, newAgentCmd) }

// daemonSettings are the daemon's settings: flags, then VIGIL_* variables.
type daemonSettings struct {
	Config, Socket, StateDir, LogDir, System, LogFormat, MetricsAddr, VCSHome string
	StopTimeout                                                               time.Duration
	TriggerTimeout                                                            time.Duration
}

func newAgentCmd() *cobra.Command {
	v := viper.New()
	cmd := &cobra.Command{
		Use:   "agent --config DIR",
		Short: "Run the engine and all agents in the foreground until SIGTERM/SIGINT",
		Long: "agent loads and validates DIR/main.cf (refusing to start on any error, printing all of them),\n" +
			"starts one agent per type that has resources on this system, probes every resource, brings\n" +
			"AutoStart groups online in dependency order and serves the local API. On SIGTERM or SIGINT it\n" +
			"stops the agents (running their shutdown entry points) and exits; it takes nothing offline.\n" +
			"Every flag can also be set as VIGIL_<FLAG> in the environment (e.g. VIGIL_STATE_DIR).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s := daemonSettings{Config: v.GetString("config"), Socket: v.GetString("socket"),
				StateDir: v.GetString("state-dir"), LogDir: v.GetString("log-dir"), System: v.GetString("system"),
				LogFormat: v.GetString("log-format"), MetricsAddr: v.GetString("metrics-addr"),
				VCSHome: v.GetString("vcs-home"), StopTimeout: v.GetDuration("stop-timeout"),
				TriggerTimeout: v.GetDuration("trigger-timeout")}
			if s.Config == "" {
				return &exitError{code: 2, err: errors.New("agent: --config DIR is required")}
			}
			return runDaemon(cmd, s)
		},
	}
	fl := cmd.Flags()
	fl.String("config", "", "configuration directory holding main.cf (or a main.cf file)")
	fl.String("socket", api.DefaultSocket, "API socket path")
	fl.String("state-dir", "/var/lib/vigil", "state directory (group intents, the VCS_HOME compatibility tree)")
	fl.String("log-dir", "/var/log/vigil", "log directory (engine_A.log, <Type>_A.log)")
	fl.String("system", "", "this node's system name in main.cf (default: the host name)")
	fl.String("log-format", agentlog.FormatVCS, "log file format: vcs or json")
	fl.String("metrics-addr", "", "serve Prometheus metrics on this TCP address (e.g. 127.0.0.1:9464); empty = off")
	fl.String("vcs-home", "", "VCS_HOME compatibility tree for entry points (default <state-dir>/vcs)")
	fl.Duration("stop-timeout", 2*time.Minute, "bound on stopping the agents at shutdown")
	fl.Duration("trigger-timeout", 60*time.Second, "time limit of one trigger script run")
	v.BindPFlags(fl)
	v.SetEnvPrefix("VIGIL")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	return cmd
}

// chooseSystem returns this node's system name: --system (which must be
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
	return "", fmt.Errorf("this host (%s) is not a system of main.cf (systems: %s); name it with --system",
		host, strings.Join(cfg.Systems, ", "))
}

// loadConfig loads the configuration, printing every diagnostic.
func loadConfig(cmd *cobra.Command, path string) (*model.Config, error) {
	cfg, err := config.Load(path)
	if err == nil {
		return cfg, nil
	}
	var list syntax.ErrorList
	if !errors.As(err, &list) {
		return nil, &exitError{code: 1, err: err}
	}
	for _, e := range list {
		fmt.Fprintln(cmd.ErrOrStderr(), e.Error())
	}
	return nil, &exitError{code: 1, err: fmt.Errorf("agent: configuration has %d error(s); not starting", len(list))}
}

// daemon holds what runDaemon starts, to stop it in order.
type daemon struct {
	s       daemonSettings
	cfg     *model.Config
	log     *zap.Logger
	logOpts agentlog.Options
	closers []io.Closer
	bus     *events.Bus
	met     *metrics.Metrics
	search  []string
}

func runDaemon(cmd *cobra.Command, s daemonSettings) error {
	cfg, err := loadConfig(cmd, s.Config)
	if err != nil {
		return err
	}
	sys, err := chooseSystem(cfg, s.System)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	d := &daemon{s: s, cfg: cfg, bus: events.NewBus(10000)}
	defer d.close()
	if err := d.prepare(cmd.ErrOrStderr()); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := api.Listen(s.Socket)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	defer os.Remove(s.Socket)
	eng, err := engine.New(engine.Options{Config: cfg, System: sys, Clock: clock.Real{}, Logger: d.log,
		Bus: d.bus, NewAgent: d.newAgent, StateDir: s.StateDir, Dump: config.Dump})
	if err != nil {
		l.Close()
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	d.startSubscribers(ctx, sys)
	srvCtx, srvStop := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	go func() {
		srvDone <- api.NewServer(api.ServerOptions{Backend: eng, Bus: d.bus, Logger: d.log, AllowUID: os.Getuid()}).Serve(srvCtx, l)
	}()
	d.log.Info("vigil agent starting", zap.String("system", sys), zap.String("config", cfg.Dir),
		zap.String("socket", s.Socket), zap.Int("pid", os.Getpid()))
	if err := eng.Start(ctx); err != nil {
		srvStop()
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	sdnotify.SdNotify(false, sdnotify.SdNotifyReady)
	d.log.Info("vigil agent ready: all resources probed")
	<-ctx.Done()
	return d.shutdown(eng, func() { srvStop(); <-srvDone })
}

// shutdown stops the agents (nothing is taken offline), waits for killed
// entry point trees, ends event streams and then the API server.
func (d *daemon) shutdown(eng *engine.Engine, stopServer func()) error {
	sdnotify.SdNotify(false, sdnotify.SdNotifyStopping)
	d.log.Info("vigil agent stopping: stopping agents")
	sctx, cancel := context.WithTimeout(context.Background(), d.s.StopTimeout)
	defer cancel()
	stopErr := eng.Stop(sctx)
	if err := runner.Drain(sctx); err != nil {
		d.log.Warn("entry points still being killed at exit", zap.Error(err))
	}
	d.bus.Close() // ends `vigil events --follow` streams, so the server stops at once
	stopServer()
	d.log.Info("vigil agent stopped")
	if stopErr != nil {
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", stopErr)}
	}
	return nil
}

// prepare creates the directories, opens the logs, becomes a subreaper and
// writes the compatibility tree.
func (d *daemon) prepare(stderr io.Writer) error {
	for _, dir := range []string{d.s.StateDir, d.s.LogDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	d.logOpts = agentlog.Options{Dir: d.s.LogDir, Format: d.s.LogFormat}
	fileLog, c, err := agentlog.Engine(d.logOpts)
	if err != nil {
		return fmt.Errorf("engine log: %w", err)
	}
	d.closers = append(d.closers, c)
	console := zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.Lock(zapcore.AddSync(stderr)), zapcore.InfoLevel)
	d.log = zap.New(zapcore.NewTee(fileLog.Core(), console))
	if err := runner.BecomeSubreaper(d.log); err != nil {
		d.log.Warn("cannot become a child subreaper; orphans are reaped by init", zap.Error(err))
	}
	if d.s.VCSHome == "" {
		d.s.VCSHome = filepath.Join(d.s.StateDir, "vcs")
	}
	if err := scripts.Materialise(d.s.VCSHome); err != nil {
		return fmt.Errorf("compatibility tree: %w", err)
	}
	d.search = append([]string{filepath.Join(d.cfg.Dir, "agents")}, runner.DefaultSearchPath(d.s.VCSHome)...)
	if d.s.MetricsAddr != "" {
		d.met = metrics.New(clock.Real{})
	}
	return nil
}

// startSubscribers starts triggers and metrics on the bus.
func (d *daemon) startSubscribers(ctx context.Context, sys string) {
	tr := trigger.New(trigger.Options{Dir: filepath.Join(d.cfg.Dir, "triggers"), System: sys,
		Timeout: d.s.TriggerTimeout, Logger: d.log, Publish: d.bus.Publish,
		Run: func(ctx context.Context, path string, args []string, t time.Duration) ep.Result {
			env := []string{"PATH=" + filepath.Join(d.s.VCSHome, "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"VCS_HOME=" + d.s.VCSHome, "VIGIL_CONFIG=" + d.cfg.Dir}
			return runner.RunCommand(ctx, path, args, runner.Options{Dir: d.cfg.Dir, Env: env, Timeout: t, Logger: d.log})
		}})
	go tr.Run(context.WithoutCancel(ctx), d.bus.Subscribe(4096, false))
	if d.met == nil {
		return
	}
	go d.met.Run(context.WithoutCancel(ctx), d.bus.Subscribe(4096, false))
	mux := http.NewServeMux()
	mux.Handle("/metrics", d.met.Handler())
	ln, err := net.Listen("tcp", d.s.MetricsAddr)
	if err != nil {
		d.log.Error("metrics endpoint not started", zap.String("addr", d.s.MetricsAddr), zap.Error(err))
		return
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
}

// newAgent creates and starts the agent of one type: its script directory
// resolved, entry points run by runner.Script (timed by metrics when on).
func (d *daemon) newAgent(t *model.Type, notify func(events.Event)) (engine.Agent, error) {
	dir, err := runner.ResolveAgentDir(t, d.search)
	if err != nil {
		return nil, err
	}
	alog, c, err := agentlog.Agent(d.logOpts, t.Name)
	if err != nil {
		return nil, fmt.Errorf("agent log: %w", err)
	}
	d.closers = append(d.closers, c)
	script, err := runner.NewScript(runner.ScriptOptions{TypeName: t.Name, AgentDir: dir, VCSHome: d.s.VCSHome, Logger: alog})
	if err != nil {
		return nil, err
	}
	var impl ep.Implementation = script
	if d.met != nil {
		impl = d.met.Instrument(impl) // hides Version(): the agent is told it below
	}
	a, err := agent.New(agent.Options{Type: t, Config: d.cfg, Impl: impl, Clock: clock.Real{}, Logger: alog,
		ArgVersion: script.Version(), Notify: func(ev agent.Event) { notify(engine.EventFromAgent(ev)) }})
	if err != nil {
		return nil, err
	}
	a.Start()
	return engine.FromAgent(a), nil
}

func (d *daemon) close() {
	if d.log != nil {
		d.log.Sync()
	}
	for _, c := range d.closers {
		c.Close()
	}
}
