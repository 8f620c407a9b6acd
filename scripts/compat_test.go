package scripts_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/scripts"
)

// compatAgent materialises a VCS_HOME, installs the files extra (names in
// testdata/compat) into its bin directory as an agent's installation would,
// and returns the agent testdata/compat/<name> with its #!/bin/sh switched
// to sh ("" keeps every #! line) and the observed log.
func compatAgent(t *testing.T, name, sh string, extra ...string) (*runner.Script, *observer.ObservedLogs) {
	t.Helper()
	if sh != "" {
		if _, err := os.Stat(sh); err != nil {
			t.Skipf("%s not installed (make deps installs it): %v", sh, err)
		}
	}
	home := t.TempDir()
	if err := scripts.Materialise(home); err != nil {
		t.Fatal(err)
	}
	for _, f := range extra {
		b, err := os.ReadFile(filepath.Join("testdata/compat", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, "bin", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := filepath.Abs(filepath.Join("testdata/compat", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := src
	if sh != "" {
		dir = copyAgent(t, src, sh)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	s, err := runner.NewScript(runner.ScriptOptions{Runner: newRunner(t), TypeName: name, AgentDir: dir, VCSHome: home, Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// logLines renders the observed helper records as "<msgid>:<text>" and
// debug records as "DBG_<n>:<text>".
func logLines(logs *observer.ObservedLogs) []string {
	var out []string
	for _, e := range logs.TakeAll() {
		m := e.ContextMap()
		switch {
		case m[agentlog.FieldMsgID] != nil:
			out = append(out, fmt.Sprintf("%v:%s", m[agentlog.FieldMsgID], e.Message))
		case m[agentlog.FieldDebugLevel] != nil:
			out = append(out, fmt.Sprintf("DBG_%v:%s", m[agentlog.FieldDebugLevel], e.Message))
		}
	}
	return out
}

// compatStep is one entry point run and what it must produce.
type compatStep struct {
	name  string
	ep    ep.Name
	args  []string // argv after the resource name
	env   []string
	code  int
	logs  []string // helper records that must be among those logged
	empty bool     // the output must be empty (no shell or Perl warning)
}

func runSteps(t *testing.T, s *runner.Script, logs *observer.ObservedLogs, steps []compatStep) {
	t.Helper()
	for _, st := range steps {
		res := s.Run(context.Background(), ep.Request{EP: st.ep, Resource: "r1", Args: append([]string{"r1"}, st.args...),
			Env: st.env, Timeout: 20 * time.Second})
		got := logLines(logs)
		if res.Outcome != ep.Exited || res.ExitCode != st.code {
			t.Fatalf("%s: %v exit %d (%v), want exit %d; output %q; log %q", st.name, res.Outcome, res.ExitCode,
				res.Err, st.code, res.Output, got)
		}
		for _, w := range st.logs {
			if !contains(got, w) {
				t.Errorf("%s: log %q lacks %q", st.name, got, w)
			}
		}
		if st.empty && len(res.Output) != 0 {
			t.Errorf("%s: output %q, want none", st.name, res.Output)
		}
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestCompatIncludeFile: entry points that source an include file of their
// own from ${VCS_HOME}/bin, which takes the resource name and exits by
// $entry_point when an attribute is missing; monitor confidence 101..110.
func TestCompatIncludeFile(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s, logs := compatAgent(t, "IncludeAgent", sh, "compat_inc.sh")
			state := filepath.Join(t.TempDir(), "state")
			tuples := func(level string) []string {
				return []string{"Level", "1", level, "StateFile", "1", state}
			}
			dbg := []string{"VCSAG_LOGDBG=DBG_1 DBG_2"}
			runSteps(t, s, logs, []compatStep{
				{name: "monitor before online", ep: ep.Monitor, args: tuples("6"), env: dbg, code: 100,
					logs: []string{"DBG_2:level 6 state " + state}},
				{name: "online refused", ep: ep.Online, args: tuples("3"), code: 1,
					logs: []string{"0:Refusing to start at level 3"}},
				{name: "online", ep: ep.Online, args: tuples("6"), env: dbg, code: 0, logs: []string{"DBG_1:starting"}},
				{name: "monitor with confidence", ep: ep.Monitor, args: tuples("6"), code: 106},
				{name: "monitor, attribute missing", ep: ep.Monitor, args: []string{"StateFile", "1", state}, code: 99},
				{name: "online, attribute missing", ep: ep.Online, args: []string{"StateFile", "1", "/nonexistent/x"}, code: 0},
			})
		})
	}
}

// TestCompatStrictShell: a monitor under `set -eu` calling every helper, some
// with no arguments and VCSAG_SQUEEZE_SPACES with an unquoted value.
func TestCompatStrictShell(t *testing.T) {
	for _, sh := range shells {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s, logs := compatAgent(t, "StrictAgent", sh)
			dir := t.TempDir()
			path := filepath.Join(dir, "a b")
			raw := "  " + filepath.Join(dir, "a") + " \t  b  "
			want := fmt.Sprintf("7:path [%s] [%s] [] count 1", path, path)
			runSteps(t, s, logs, []compatStep{
				{name: "offline", ep: ep.Monitor, args: []string{"Path", "1", raw}, code: 100, logs: []string{want}},
			})
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			runSteps(t, s, logs, []compatStep{
				{name: "online", ep: ep.Monitor, args: []string{"Path", "1", raw}, env: []string{"VCSAG_LOGDBG=DBG_4"},
					code: 110, logs: []string{want, "DBG_4:debug x", "140:3 files found", "DBG_4:n=5"}},
			})
		})
	}
}

// TestCompatPerl: Perl entry points that name the VCS Perl (the eval/exec
// idiom without #!, or a #! line) run under the system Perl when the host
// has no VCS Perl, with the options of that line (-I `pwd`/lib, -w); the
// library is quiet under warnings and offers HADECRYPT, list-context
// VCSAG_SQUEEZE_SPACES and an array reference as the argument list.
func TestCompatPerl(t *testing.T) {
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skipf("perl not installed: %v", err)
	}
	s, logs := compatAgent(t, "PerlAgent", "")
	dir := t.TempDir()
	path := filepath.Join(dir, "p")
	raw := "  " + path + "   "
	runSteps(t, s, logs, []compatStep{
		{name: "monitor offline", ep: ep.Monitor, args: []string{"Path", "1", raw}, code: 100, empty: true,
			logs: []string{fmt.Sprintf("9:path [%s] [two words] from compatmod", path)}},
		{name: "clean reason 4", ep: ep.Clean, args: []string{"4", "Path", "1", raw}, code: 0, empty: true,
			logs: []string{"10:clean reason 4"}},
		{name: "clean reason 1", ep: ep.Clean, args: []string{"1", "Path", "1", raw}, code: 1, empty: true},
	})
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, logs, []compatStep{
		{name: "monitor online", ep: ep.Monitor, args: []string{"Path", "1", raw}, env: []string{"VCSAG_LOGDBG=DBG_2"},
			code: 110, empty: true, logs: []string{"11:got x", "DBG_2:dbg y"}},
	})
	if strings.Contains(fmt.Sprint(logLines(logs)), "Use of uninitialized") {
		t.Error("warnings logged")
	}
}
