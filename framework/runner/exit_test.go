package runner_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestExitMeanings runs real scripts that exit with every interesting code
// and checks outcome and meaning per entry point.
func TestExitMeanings(t *testing.T) {
	cases := []struct {
		ep      ep.Name
		body    string
		outcome ep.Outcome
		code    int
		meaning string
	}{
		{ep.Monitor, "exit 100", ep.Exited, 100, "exit 100 (offline)"},
		{ep.Monitor, "exit 101", ep.Exited, 101, "exit 101 (online, confidence 10)"},
		{ep.Monitor, "exit 105", ep.Exited, 105, "exit 105 (online, confidence 50)"},
		{ep.Monitor, "exit 110", ep.Exited, 110, "exit 110 (online, confidence 100)"},
		{ep.Monitor, "exit 200", ep.Exited, 200, "exit 200 (intentional offline)"},
		{ep.Monitor, "exit 99", ep.Exited, 99, "exit 99 (unknown)"},
		{ep.Monitor, "exit 0", ep.Exited, 0, "exit 0 (unknown: not a monitor code)"},
		{ep.Monitor, "exit 111", ep.Exited, 111, "exit 111 (unknown: not a monitor code)"},
		{ep.Monitor, "kill -SEGV $$", ep.Signaled, -1, "killed by signal SIGSEGV"},
		{ep.Monitor, "kill -KILL $$", ep.Signaled, -1, "killed by signal SIGKILL"},
		{ep.Online, "exit 0", ep.Exited, 0, "exit 0 (run monitor after 0 s)"},
		{ep.Online, "exit 7", ep.Exited, 7, "exit 7 (run monitor after 7 s)"},
		{ep.Offline, "exit 3", ep.Exited, 3, "exit 3 (run monitor after 3 s)"},
		{ep.Clean, "exit 0", ep.Exited, 0, "exit 0 (success)"},
		{ep.Clean, "exit 1", ep.Exited, 1, "exit 1 (failure)"},
		{ep.Info, "echo info; exit 0", ep.Exited, 0, "exit 0 (success; output becomes ResourceInfo Msg, State Valid)"},
		{ep.Info, "exit 2", ep.Exited, 2, "exit 2 (failure; output ignored, ResourceInfo State Invalid)"},
		{ep.Open, "exit 5", ep.Exited, 5, "exit 5 (ignored)"},
		{ep.AttrChanged, "exit 1", ep.Exited, 1, "exit 1 (ignored)"},
	}
	home := vcsHome(t)
	for _, interp := range interpreters {
		for _, c := range cases {
			t.Run(filepath.Base(interp)+"/"+string(c.ep)+"/"+c.body, func(t *testing.T) {
				needInterp(t, interp)
				dir := t.TempDir()
				writeScript(t, dir, "monitor", interp, "exit 100\n")
				writeScript(t, dir, string(c.ep), interp, c.body+"\n")
				s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: dir, VCSHome: home})
				if err != nil {
					t.Fatal(err)
				}
				r := s.Run(context.Background(), ep.Request{EP: c.ep, Resource: "r", Args: []string{"r"}, Timeout: 10 * time.Second})
				if r.Outcome != c.outcome || (c.outcome == ep.Exited && r.ExitCode != c.code) {
					t.Fatalf("got %v/%d (%v), want %v/%d", r.Outcome, r.ExitCode, r.Err, c.outcome, c.code)
				}
				if got := runner.Meaning(c.ep, r); got != c.meaning {
					t.Errorf("meaning %q, want %q", got, c.meaning)
				}
			})
		}
	}
}

// TestExecErrors checks the precise message of each way a program cannot start.
func TestExecErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("noexec", "#!/bin/sh\nexit 0\n", 0o644)
	write("badinterp", "#!/no/such/shell\nexit 0\n", 0o755)
	write("nosheb", "exit 104\n", 0o755)
	if err := os.Mkdir(filepath.Join(dir, "adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		reason     string // "" = must run
		code       int
	}{
		{"missing", "missing", "no such file", 0},
		{"not executable", "noexec", "not executable (mode 0644)", 0},
		{"bad interpreter", "badinterp", `bad interpreter "/no/such/shell"`, 0},
		{"directory", "adir", "is a directory", 0},
		{"no #! line runs under /bin/sh", "nosheb", "", 104},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := testRunner.RunCommand(context.Background(), filepath.Join(dir, c.path), nil, runner.RunOptions{Timeout: 5 * time.Second})
			if c.reason == "" {
				if r.Outcome != ep.Exited || r.ExitCode != c.code {
					t.Fatalf("got %v/%d %v, want exit %d", r.Outcome, r.ExitCode, r.Err, c.code)
				}
				return
			}
			var ee *runner.ExecError
			if r.Outcome != ep.ExecError || !errors.As(r.Err, &ee) || !errors.Is(r.Err, runner.ErrExec) {
				t.Fatalf("got %v %v, want exec error", r.Outcome, r.Err)
			}
			if ee.Reason != c.reason {
				t.Errorf("reason %q, want %q (error: %v)", ee.Reason, c.reason, r.Err)
			}
		})
	}
}

// TestMissingMonitor checks that an agent directory without monitor is a
// configuration error, and that optional entry points are reported absent.
func TestMissingMonitor(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "online", "/bin/sh", "exit 0\n")
	if _, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: dir}); !errors.Is(err, runner.ErrNoMonitor) {
		t.Fatalf("err %v, want ErrNoMonitor", err)
	}
	writeScript(t, dir, "monitor", "/bin/sh", "exit 100\n")
	s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[ep.Name]bool{ep.Monitor: true, ep.Online: true, ep.Offline: false, ep.Action: false} {
		if s.Has(n) != want {
			t.Errorf("Has(%s) = %v, want %v", n, !want, want)
		}
	}
}

// TestNewScriptNeedsRunner checks that a Script cannot be made without the
// Runner that runs its entry points.
func TestNewScriptNeedsRunner(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "monitor", "/bin/sh", "exit 100\n")
	if _, err := runner.NewScript(runner.ScriptOptions{TypeName: "T", AgentDir: dir}); !errors.Is(err, runner.ErrNoRunner) {
		t.Fatalf("err %v, want ErrNoRunner", err)
	}
}

// TestOutputAndLogs checks the output cap (2048 bytes for action), helper
// log records reaching the agent log in VCS format, LogDbg gating and
// VCSAG_SET_RES_EP_TIMEOUT.
func TestOutputAndLogs(t *testing.T) {
	home := vcsHome(t)
	for _, interp := range interpreters {
		t.Run(filepath.Base(interp), func(t *testing.T) {
			needInterp(t, interp)
			dir := t.TempDir()
			lib := `. "$VCS_HOME/bin/ag_i18n_inc.sh"` + "\n" + `VCSAG_SET_ENVS "$1"` + "\n"
			writeScript(t, dir, "monitor", interp, lib+`VCSAG_LOG_MSG "E" "bad %s and %s" 12 -encoding UTF-8 "x y" '$z'
VCSAG_LOG_MSG "N" "multi
line" 13
VCSAG_LOGDBG_MSG 3 "dbg three %s" on
VCSAG_LOGDBG_MSG 4 "dbg four"
VCSAG_SET_RES_EP_TIMEOUT 5
sleep 1.2
exit 110
`)
			writeScript(t, dir, "actions/big", interp, "i=0; while [ $i -lt 100 ]; do echo 0123456789012345678901234567890123456789012345678; i=$((i+1)); done\n")
			var buf bytes.Buffer
			core, err := agentlog.NewCore(zapcore.AddSync(&buf), agentlog.FormatVCS, nil, agentlog.CategoryFramework)
			if err != nil {
				t.Fatal(err)
			}
			log := zap.New(core).With(zap.String(agentlog.FieldType, "T"))
			s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: dir, VCSHome: home, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			r := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "res1", Args: []string{"res1"},
				Timeout: time.Second, Env: []string{"VCSAG_LOGDBG=DBG_1 DBG_3"}})
			if r.Outcome != ep.Exited || r.ExitCode != 110 {
				t.Fatalf("monitor: %v %d %v (the timeout extension did not apply?)", r.Outcome, r.ExitCode, r.Err)
			}
			got := buf.String()
			for _, want := range []string{
				" VCS ERROR V-16-10000-12 T:res1:monitor:bad x y and $z\n",
				" VCS NOTICE V-16-10000-13 T:res1:monitor:multi line\n",
				" VCS DBG_3 V-16-50-0 T:res1:monitor:dbg three on\n",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("log lacks %q:\n%s", want, got)
				}
			}
			if strings.Contains(got, "dbg four") {
				t.Errorf("DBG_4 logged though not in LogDbg:\n%s", got)
			}
			r = s.Run(context.Background(), ep.Request{EP: ep.Action, Action: "big", Resource: "res1", Timeout: 5 * time.Second})
			if r.Outcome != ep.Exited || len(r.Output) != runner.ActionOutputCap {
				t.Errorf("action: %v, %d bytes of output, want %d", r.Outcome, len(r.Output), runner.ActionOutputCap)
			}
		})
	}
}
