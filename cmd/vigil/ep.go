package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/scripts"
)

func init() { subcommands = append(subcommands, newEPCmd) }

// epFlags are the options of `vigil ep`.
type epFlags struct {
	config, stateDir, vcsHome, logDir, logDbg string
	timeout                                   time.Duration
	cycle                                     int
}

func newEPCmd() *cobra.Command {
	var f epFlags
	cmd := &cobra.Command{
		Use:   "ep --config DIR TYPE EP RES [args...]",
		Short: "Run one entry point for one resource, without a daemon, and explain the result",
		Long: `Runs entry point EP of type TYPE for resource RES from the configuration, exactly as
the agent would (argv, environment, timeout, process-group kill), and prints the
registration version (V40 positional or V50 tuples, from the agent directory),
the argv, the duration, the outcome, the exit code with its meaning, the output and
the log lines. Extra arguments per entry point:
  clean [REASON]                    clean reason 0..5 (default 0)
  info [OP]                         resinfo_op 1 or 2 (default 1)
  action TOKEN [ARGS...]            action token and its arguments
  attr_changed RES2 ATTR [VALUE...] the changed resource, attribute and new value
  imf_register start|stop online|offline
Exits 0 when the entry point ran, whatever its exit code; 1 on errors.`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.config == "" {
				return &exitError{code: 2, err: errors.New("ep: --config DIR is required")}
			}
			return runEP(cmd.Context(), cmd.OutOrStdout(), f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration directory holding main.cf (or a main.cf file)")
	fl.StringVar(&f.stateDir, "state-dir", "/var/lib/vigil", "state directory (holds the VCS_HOME tree)")
	fl.StringVar(&f.vcsHome, "vcs-home", "", "VCS_HOME compatibility tree (default <state-dir>/vcs)")
	fl.StringVar(&f.logDir, "log-dir", "", "also append the log lines to <log-dir>/<Type>_A.log")
	fl.StringVar(&f.logDbg, "logdbg", "", "debug levels in force instead of the type's LogDbg, e.g. DBG_1,DBG_3")
	fl.DurationVar(&f.timeout, "timeout", 0, "time limit instead of the entry point's timeout attribute")
	fl.IntVar(&f.cycle, "monitor-cycle", 1, "monitor cycle number (VCSAG_GET_MONITOR_LEVEL)")
	return cmd
}

func runEP(ctx context.Context, w io.Writer, f epFlags, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	typeName, name, resName := args[0], ep.Name(args[1]), args[2]
	cfg, err := config.Load(f.config)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	res, ok := cfg.Resources[resName]
	if !ok {
		return &exitError{code: 1, err: fmt.Errorf("ep: resource %q is not in the configuration", resName)}
	}
	if res.Type.Name != typeName {
		return &exitError{code: 1, err: fmt.Errorf("ep: resource %q is of type %s, not %s", resName, res.Type.Name, typeName)}
	}
	home := f.vcsHome
	if home == "" {
		home = filepath.Join(f.stateDir, "vcs")
	}
	if err := scripts.Materialise(home); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	dir, err := runner.ResolveAgentDir(res.Type, append([]string{filepath.Join(cfg.Dir, "agents")}, runner.DefaultSearchPath(home)...))
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	var logBuf bytes.Buffer
	log, closeLog, err := epLogger(&logBuf, f.logDir, typeName)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	defer closeLog()
	s, err := runner.NewScript(runner.ScriptOptions{TypeName: typeName, AgentDir: dir, VCSHome: home, Logger: log})
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	// The argv is the agent's: arglist in the directory's registration version.
	req, err := epRequest(s.Version(), name, res, cfg, args[3:], f)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	_ = runner.BecomeSubreaper(nil)
	path, err := s.Path(req)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	if name != ep.Action && !s.Has(name) {
		return &exitError{code: 1, err: fmt.Errorf("ep: %s does not implement %s (optional entry point)", dir, name)}
	}
	r := s.Run(ctx, req)
	dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = runner.Drain(dctx)
	printEP(w, versionLine(s), path, req, r, logBuf.String())
	if r.Outcome == ep.ExecError {
		return &exitError{code: 1, err: nil}
	}
	return nil
}

// versionLine says which registration version the argv follows and why.
func versionLine(s *runner.Script) string {
	if src := s.VersionSource(); src != "" {
		return s.Version().String() + " (" + src + ")"
	}
	return s.Version().String() + " (default)"
}

// epRequest builds the request: argv from arglist in registration version
// v, environment, timeout.
func epRequest(v arglist.Version, name ep.Name, res *model.Resource, cfg *model.Config, extra []string, f epFlags) (ep.Request, error) {
	var x arglist.Extra
	req := ep.Request{EP: name, Type: res.Type.Name, Resource: res.Name}
	num := func(i, def int) (int, error) {
		if len(extra) <= i {
			return def, nil
		}
		return strconv.Atoi(extra[i])
	}
	var err error
	switch name {
	case ep.Clean:
		x.CleanReason, err = num(0, 0)
	case ep.Info:
		x.ResInfoOp, err = num(0, 1)
	case ep.Action:
		if len(extra) == 0 {
			return req, errors.New("action needs a TOKEN")
		}
		req.Action, x.ActionArgs = extra[0], extra[1:]
	case ep.AttrChanged:
		if len(extra) < 2 {
			return req, errors.New("attr_changed needs RES2 ATTR [VALUE...]")
		}
		x.ChangedRes, x.ChangedAttr = extra[0], extra[1]
		x.NewValue = model.ListValue(model.Vector, extra[2:]...)
	case ep.IMFRegister:
		x.MonitorOn = len(extra) == 0 || extra[0] == "start"
		x.StateOnline = len(extra) < 2 || extra[1] == "online"
	default:
		if !knownEP(name) {
			return req, fmt.Errorf("unknown entry point %q", name)
		}
	}
	if err != nil {
		return req, fmt.Errorf("%s argument: %w", name, err)
	}
	if req.Args, err = arglist.ForEPVersion(v, name, res, cfg, x); err != nil {
		return req, err
	}
	req.Timeout = arglist.Timeout(name, res)
	if f.timeout > 0 {
		req.Timeout = f.timeout
	}
	req.Env = runner.ResourceEnv(res, f.cycle)
	if f.logDbg != "" {
		req.Env = append(req.Env, "VCSAG_LOGDBG="+strings.Join(strings.Split(f.logDbg, ","), " "))
	}
	return req, nil
}

func knownEP(n ep.Name) bool {
	for _, k := range ep.All {
		if k == n {
			return true
		}
	}
	return false
}

// epLogger logs in VCS format into buf and, with a log dir, into the agent log.
func epLogger(buf *bytes.Buffer, logDir, typeName string) (*zap.Logger, func(), error) {
	core, err := agentlog.NewCore(zapcore.AddSync(buf), agentlog.FormatVCS, nil, agentlog.CategoryFramework)
	if err != nil {
		return nil, nil, err
	}
	closeFn := func() {}
	if logDir != "" {
		fl, c, err := agentlog.Open(agentlog.Options{Dir: logDir}, typeName+"_A.log", agentlog.CategoryFramework)
		if err != nil {
			return nil, nil, err
		}
		core = zapcore.NewTee(core, fl.Core())
		closeFn = func() { c.Close() }
	}
	return zap.New(core).With(zap.String(agentlog.FieldType, typeName)), closeFn, nil
}

func printEP(w io.Writer, version, path string, req ep.Request, r ep.Result, logs string) {
	fmt.Fprintf(w, "%-8s %s\n", "version", version)
	fmt.Fprintf(w, "%-8s %s\n", "argv[0]", strconv.Quote(path))
	for i, a := range req.Args {
		fmt.Fprintf(w, "%-8s %s\n", "argv["+strconv.Itoa(i+1)+"]", strconv.Quote(a))
	}
	fmt.Fprintf(w, "timeout  %s\n", req.Timeout)
	fmt.Fprintf(w, "duration %s\n", r.Duration.Round(time.Microsecond))
	fmt.Fprintf(w, "outcome  %s\n", r.Outcome)
	fmt.Fprintf(w, "result   %s\n", runner.Meaning(req.EP, r))
	fmt.Fprintf(w, "output   (%d bytes)\n", len(r.Output))
	for _, l := range strings.SplitAfter(string(r.Output), "\n") {
		if l != "" {
			fmt.Fprintf(w, "  | %s", strings.TrimSuffix(l, "\n")+"\n")
		}
	}
	fmt.Fprintf(w, "log\n")
	for _, l := range strings.SplitAfter(logs, "\n") {
		if l != "" {
			fmt.Fprintf(w, "  %s", l)
		}
	}
}
