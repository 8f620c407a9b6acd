package scripts_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/scripts"
)

// TestSampleAgents drives the bundled FileOnOff and the FileData sample
// through their entry points under dash and bash (the #! line is switched).
func TestSampleAgents(t *testing.T) {
	home := t.TempDir()
	if err := scripts.Materialise(home); err != nil {
		t.Fatal(err)
	}
	for _, sh := range []string{"/usr/bin/dash", "/usr/bin/bash"} {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			if _, err := os.Stat(sh); err != nil {
				t.Skipf("%s not installed: %v", sh, err)
			}
			file := filepath.Join(t.TempDir(), "data $x `y`")
			dir := copyAgent(t, filepath.Join(home, "bin", "FileData"), sh)
			s, err := runner.NewScript(runner.ScriptOptions{Runner: newRunner(t), TypeName: "FileData", AgentDir: dir, VCSHome: home})
			if err != nil {
				t.Fatal(err)
			}
			tuples := []string{"PathName", "1", file, "Content", "1", "hello world", "Owners", "2", "a b", "c"}
			steps := []struct {
				ep     ep.Name
				action string
				pre    []string // argv before the tuples (after the resource)
				post   []string
				env    []string
				code   int
				out    string
			}{
				{ep: ep.Monitor, code: 100},
				{ep: ep.Online, code: 0},
				{ep: ep.Monitor, code: 110, env: []string{"VCSAG_LEVEL_TWO_MONITOR_FREQ=2", "VCSAG_MONITOR_COUNT=2"}},
				{ep: ep.Action, action: "append", post: []string{"ACTION_ARGS", "2", "line 2", "$3"}, code: 0, out: "appended 2 line(s)"},
				{ep: ep.Monitor, code: 105, env: []string{"VCSAG_LEVEL_TWO_MONITOR_FREQ=2", "VCSAG_MONITOR_COUNT=4"}},
				{ep: ep.Monitor, code: 110, env: []string{"VCSAG_LEVEL_TWO_MONITOR_FREQ=2", "VCSAG_MONITOR_COUNT=3"}},
				{ep: ep.Info, pre: []string{"2"}, code: 0, out: "op=2 size=22"},
				{ep: ep.Action, action: "checksum", code: 0, out: " 22\n"},
				{ep: ep.Offline, code: 0},
				{ep: ep.Monitor, code: 100},
			}
			for _, st := range steps {
				args := append(append(append([]string{"fd1"}, st.pre...), tuples...), st.post...)
				r := s.Run(context.Background(), ep.Request{EP: st.ep, Action: st.action, Resource: "fd1", Args: args,
					Timeout: 10 * time.Second, Env: st.env})
				if r.Outcome != ep.Exited || r.ExitCode != st.code || !strings.Contains(string(r.Output), st.out) {
					t.Fatalf("%s %s: %v exit %d output %q, want exit %d output containing %q",
						st.ep, st.action, r.Outcome, r.ExitCode, r.Output, st.code, st.out)
				}
			}
		})
	}
}
