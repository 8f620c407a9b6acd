package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// ErrNoAgentDir is returned when no agent directory holds a type's scripts.
var ErrNoAgentDir = errors.New("no agent directory")

// ErrNoMonitor is returned when an agent directory has no monitor entry point.
var ErrNoMonitor = errors.New("agent directory has no monitor entry point")

// ErrNoRunner is returned by NewScript when ScriptOptions.Runner is nil.
var ErrNoRunner = errors.New("no runner")

// ScriptOptions configure a Script.
type ScriptOptions struct {
	Runner    *Runner     // runs the entry points (required)
	TypeName  string      // resource type
	AgentDir  string      // resolved agent directory (ResolveAgentDir)
	VCSHome   string      // the compatibility tree: VCSHome/bin/ag_i18n_inc.sh
	Logger    *zap.Logger // agent logger (agentlog.Agent); nil = none
	ExtraEnv  []string    // KEY=VALUE added to (or replacing) the base environment
	Clock     clock.Clock // nil = clock.Real
	KillGrace time.Duration
	OutputCap int // nil = DefaultOutputCap; action output is always capped at ActionOutputCap
	// Version is the registration version of the agent; 0 = learn it from
	// the agent directory (AgentVersion).
	Version arglist.Version
	// MonitorOptional accepts a directory without a monitor script: the
	// scripts of a Mixed type, whose monitor is its plugin's.
	MonitorOptional bool
}

// Script runs the entry points of one script agent directory.
type Script struct {
	o         ScriptOptions
	env       []string
	has       map[ep.Name]bool
	versionBy string // what revealed the version ("" = default or option)
}

var (
	_ ep.Implementation = (*Script)(nil)
	_ arglist.Versioned = (*Script)(nil)
)

// NewScript checks the agent directory (monitor must exist) and returns the
// Script that runs its entry points through o.Runner.
func NewScript(o ScriptOptions) (*Script, error) {
	if o.Runner == nil {
		return nil, fmt.Errorf("type %q: %w", o.TypeName, ErrNoRunner)
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	// Entry points run in the agent directory: relative paths (a relative
	// --config or --vcs-home) would no longer name the same files there.
	for _, p := range []*string{&o.AgentDir, &o.VCSHome} {
		if abs, err := filepath.Abs(*p); err == nil && *p != "" {
			*p = abs
		}
	}
	st, err := os.Stat(o.AgentDir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("type %q: agent directory %q: %w", o.TypeName, o.AgentDir, ErrNoAgentDir)
	}
	s := &Script{o: o, has: map[ep.Name]bool{}}
	for _, n := range ep.All {
		if n == ep.Action {
			continue
		}
		if fi, err := os.Stat(filepath.Join(o.AgentDir, string(n))); err == nil && !fi.IsDir() {
			s.has[n] = true
		}
	}
	if fi, err := os.Stat(filepath.Join(o.AgentDir, "actions")); err == nil && fi.IsDir() {
		s.has[ep.Action] = true
	}
	if !s.has[ep.Monitor] && !o.MonitorOptional {
		return nil, fmt.Errorf("type %q: %q: %w", o.TypeName, o.AgentDir, ErrNoMonitor)
	}
	if s.o.Version == 0 {
		s.o.Version, s.versionBy = AgentVersion(o.AgentDir, o.TypeName)
	}
	s.env = BaseEnv(o.TypeName, o.AgentDir, o.VCSHome, o.ExtraEnv)
	return s, nil
}

// Version returns the registration version whose argv the agent's entry
// points expect (arglist.ForEPVersion).
func (s *Script) Version() arglist.Version { return s.o.Version }

// VersionSource says what revealed Version: `<Type>Agent -> <binary>`, the
// name of a stock binary in the agent directory, or "" (the default, or
// ScriptOptions.Version).
func (s *Script) VersionSource() string { return s.versionBy }

// Has reports whether the agent directory implements the entry point
// (Action: whether an actions/ directory exists).
func (s *Script) Has(n ep.Name) bool { return s.has[n] }

// Path returns the program run for a request: `<dir>/<ep>`, or
// `<dir>/actions/<token>` for an action.
func (s *Script) Path(req ep.Request) (string, error) {
	if req.EP == ep.Action {
		if req.Action == "" || strings.ContainsRune(req.Action, '/') || req.Action == "." || req.Action == ".." {
			return "", fmt.Errorf("action token %q: invalid", req.Action)
		}
		return filepath.Join(s.o.AgentDir, "actions", req.Action), nil
	}
	return filepath.Join(s.o.AgentDir, string(req.EP)), nil
}

// Run runs one entry point. It returns at the deadline with TimedOut while
// the kill of the entry point's tree finishes in the background (the
// Runner's Drain waits for it).
func (s *Script) Run(ctx context.Context, req ep.Request) ep.Result {
	path, err := s.Path(req)
	if err != nil {
		return ep.Result{Outcome: ep.ExecError, Err: err}
	}
	log := s.o.Logger.With(zap.String(agentlog.FieldResource, req.Resource), zap.String(agentlog.FieldEP, string(req.EP)))
	capBytes := s.o.OutputCap
	if req.EP == ep.Action {
		capBytes = ActionOutputCap
	}
	env := MergeEnv(s.env, append([]string{"VCSAG_ENTRY_POINT=" + string(req.EP)}, req.Env...))
	return s.o.Runner.RunCommand(ctx, path, req.Args, RunOptions{
		Dir: s.o.AgentDir, Env: env, Timeout: req.Timeout, OutputCap: capBytes,
		KillGrace: s.o.KillGrace, Logger: log, Clock: s.o.Clock,
	})
}

// BaseEnv is the documented environment of every script entry point:
//
//	PATH          VCSHome/bin, then the system directories
//	LANG, LC_ALL  C (unless extra sets them)
//	HOME          /
//	VCS_HOME      the compatibility tree
//	PERL5LIB      VCSHome/bin, so `use ag_i18n_inc;` works
//	PERL_USE_UNSAFE_INC  1: Perl keeps "." at the end of @INC, as the
//	              Perl VCS ships does; entry points run in the agent
//	              directory, so `use MyModule;` finds the agent's own
//	              MyModule.pm there (after every system directory)
//	VCSAG_TYPE    the type name; VCSAG_AGENT_DIR the agent directory
//	TZ            the daemon's TZ, when set
//
// Run adds VCSAG_ENTRY_POINT, VCSAG_LOG_FD and VIGIL_RUN_ID; the agent adds
// ResourceEnv per request. extra entries replace entries of the same name.
func BaseEnv(typeName, agentDir, vcsHome string, extra []string) []string {
	env := []string{
		"PATH=" + filepath.Join(vcsHome, "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LANG=C", "LC_ALL=C", "HOME=/",
		"VCS_HOME=" + vcsHome,
		"PERL5LIB=" + filepath.Join(vcsHome, "bin"),
		"PERL_USE_UNSAFE_INC=1",
		"VCSAG_TYPE=" + typeName,
		"VCSAG_AGENT_DIR=" + agentDir,
	}
	if tz, ok := os.LookupEnv("TZ"); ok {
		env = append(env, "TZ="+tz)
	}
	return MergeEnv(env, extra)
}

// ResourceEnv returns the per-request variables the helper library reads
// for resource r: VCSAG_LOGDBG (the DBG_n levels of LogDbg in force, space
// separated), VCSAG_LEVEL_TWO_MONITOR_FREQ and VCSAG_MONITOR_COUNT (the
// number of this monitor cycle, 1-based, for VCSAG_GET_MONITOR_LEVEL).
func ResourceEnv(r *model.Resource, monitorCycle int) []string {
	v, _ := r.Attr("LogDbg")
	var lv []string
	for _, s := range v.List {
		if strings.HasPrefix(s, "DBG_") {
			lv = append(lv, s)
		}
	}
	return []string{
		"VCSAG_LOGDBG=" + strings.Join(lv, " "),
		"VCSAG_LEVEL_TWO_MONITOR_FREQ=" + strconv.Itoa(r.Int("LevelTwoMonitorFreq")),
		"VCSAG_MONITOR_COUNT=" + strconv.Itoa(monitorCycle),
	}
}

// MergeEnv returns base with the entries of extra added, an entry of extra
// replacing one of base with the same name.
func MergeEnv(base, extra []string) []string {
	out := append([]string(nil), base...)
	for _, kv := range extra {
		name, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, b := range out {
			if n, _, _ := strings.Cut(b, "="); n == name {
				out[i], replaced = kv, true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

// DefaultSearchPath is the agent search path after AgentDirectory: the VCS
// locations, then vigil's bundled agents in vcsHome/bin.
func DefaultSearchPath(vcsHome string) []string {
	return []string{"/opt/VRTSvcs/bin", "/opt/VRTSagents/ha/bin", filepath.Join(vcsHome, "bin")}
}

// ResolveAgentDir finds a type's agent directory: its AgentDirectory when
// set, else the first `<dir>/<Type>` of searchPath that is a directory.
func ResolveAgentDir(t *model.Type, searchPath []string) (string, error) {
	if v, _ := t.StaticValue("AgentDirectory"); v.Scalar != "" {
		if fi, err := os.Stat(v.Scalar); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("type %q: AgentDirectory %q: %w", t.Name, v.Scalar, ErrNoAgentDir)
		}
		return v.Scalar, nil
	}
	for _, d := range searchPath {
		p := filepath.Join(d, t.Name)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("type %q: searched %s: %w", t.Name, strings.Join(searchPath, ", "), ErrNoAgentDir)
}
