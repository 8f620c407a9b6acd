package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
)

// EPOptions are the options of one `vigil ep` run.
type EPOptions struct {
	Config   string        // configuration directory (or main.cf)
	StateDir string        // holds the default VCS_HOME tree
	VCSHome  string        // "" = <StateDir>/vcs
	LogDir   string        // also append log lines to <LogDir>/<Type>_A.log
	LogDbg   []string      // debug levels instead of the type's LogDbg
	Timeout  time.Duration // instead of the entry point's timeout attribute
	Cycle    int           // monitor cycle number; 0 = 1
	Registry *Registry     // nil = DefaultRegistry()
}

// EPReport is what one entry point run produced, for printing.
type EPReport struct {
	Kind    string     // implementation kind ("script")
	Version string     // registration version and where it came from
	Path    string     // argv[0], when the implementation runs a program
	Request ep.Request // argv after argv[0], timeout, environment
	Result  ep.Result
	Log     string // log lines, VCS format
}

// pather is implemented by kinds that run a program per entry point.
type pather interface {
	Path(ep.Request) (string, error)
}

// versionSourcer says where a registration version came from.
type versionSourcer interface {
	VersionSource() string
}

// RunEP runs entry point name of resource resName (of type typeName)
// exactly as the daemon's agent would: the same Env, the same registry and
// the same request builder. extra are the entry point's own arguments
// (clean reason, info op, action token and arguments, ...).
func RunEP(ctx context.Context, o EPOptions, typeName string, name ep.Name, resName string, extra []string) (EPReport, error) {
	var rep EPReport
	if o.Registry == nil {
		o.Registry = DefaultRegistry()
	}
	cfg, err := config.Load(o.Config)
	if err != nil {
		return rep, err
	}
	if sys, err := chooseSystem(cfg, ""); err == nil {
		cfg.SetLocal(sys) // as the daemon on this host resolves per-system values
	}
	res, ok := cfg.Resources[resName]
	if !ok {
		return rep, fmt.Errorf("resource %q is not in the configuration", resName)
	}
	if res.Type.Name != typeName {
		return rep, fmt.Errorf("resource %q is of type %s, not %s", resName, res.Type.Name, typeName)
	}
	env, err := NewEnv(cfg, o.StateDir, o.VCSHome)
	if err != nil {
		return rep, err
	}
	var logBuf bytes.Buffer
	log, closeLog, err := epLogger(&logBuf, o.LogDir, typeName)
	if err != nil {
		return rep, err
	}
	defer closeLog()
	run := runner.New(runner.Options{}) // the runner's own records (orphans reaped) are not the entry point's
	defer run.Close()
	impl, kind, err := o.Registry.Open(res.Type, OpenContext{Env: env, Runner: run, Logger: log})
	if err != nil {
		return rep, err
	}
	defer closeImpl(impl) // a plugin process ends with the run
	rep.Kind = kind
	version := arglist.V50
	if v, ok := impl.(arglist.Versioned); ok && v.Version() != 0 {
		version = v.Version()
	}
	rep.Version = version.String() + " (default)"
	if vs, ok := impl.(versionSourcer); ok && vs.VersionSource() != "" {
		rep.Version = version.String() + " (" + vs.VersionSource() + ")"
	}
	spec, err := epSpec(name, res, cfg, version, extra, o)
	if err != nil {
		return rep, err
	}
	req, err := agent.BuildRequest(spec)
	if err != nil {
		return rep, err
	}
	if o.Timeout > 0 {
		req.Timeout = o.Timeout
	}
	if len(o.LogDbg) > 0 {
		req.Env = append(req.Env, "VCSAG_LOGDBG="+strings.Join(o.LogDbg, " "))
	}
	rep.Request = req
	if p, ok := impl.(pather); ok {
		if rep.Path, err = p.Path(req); err != nil {
			return rep, err
		}
	}
	if name != ep.Action && !impl.Has(name) {
		return rep, fmt.Errorf("type %s (%s) does not implement %s (optional entry point)", typeName, kind, name)
	}
	_ = run.BecomeSubreaper()
	rep.Result = impl.Run(ctx, req)
	dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = run.Drain(dctx)
	rep.Log = logBuf.String()
	return rep, nil
}

// epSpec turns `vigil ep` arguments into the request spec.
func epSpec(name ep.Name, res *model.Resource, cfg *model.Config, v arglist.Version, extra []string, o EPOptions) (agent.RequestSpec, error) {
	spec := agent.RequestSpec{EP: name, Resource: res, Config: cfg, Version: v, Cycle: max(o.Cycle, 1)}
	num := func(i, def int) (int, error) {
		if len(extra) <= i {
			return def, nil
		}
		return strconv.Atoi(extra[i])
	}
	var err error
	x := &spec.Extra
	switch name {
	case ep.Clean:
		x.CleanReason, err = num(0, 0)
	case ep.Info:
		x.ResInfoOp, err = num(0, 1)
	case ep.Action:
		if len(extra) == 0 {
			return spec, errors.New("action needs a TOKEN")
		}
		spec.Action, x.ActionArgs = extra[0], extra[1:]
	case ep.AttrChanged:
		if len(extra) < 2 {
			return spec, errors.New("attr_changed needs RES2 ATTR [VALUE...]")
		}
		x.ChangedRes, x.ChangedAttr = extra[0], extra[1]
		x.NewValue = model.ListValue(model.Vector, extra[2:]...)
	case ep.IMFRegister:
		x.MonitorOn = len(extra) == 0 || extra[0] == "start"
		x.StateOnline = len(extra) < 2 || extra[1] == "online"
	default:
		if !knownEP(name) {
			return spec, fmt.Errorf("unknown entry point %q", name)
		}
	}
	if err != nil {
		return spec, fmt.Errorf("%s argument: %w", name, err)
	}
	return spec, nil
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
