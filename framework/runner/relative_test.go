package runner_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestRelativeAgentDir: a relative agent directory and VCS_HOME (a relative
// --config or --vcs-home) still name the same files once the entry point
// runs in the agent directory.
func TestRelativeAgentDir(t *testing.T) {
	base := t.TempDir()
	home := vcsHome(t)
	writeScript(t, filepath.Join(base, "agents", "T"), "monitor", "/bin/sh",
		". \"$VCS_HOME/bin/ag_i18n_inc.sh\"\n[ -x \"$0\" ] && exit $VCSAG_RES_ONLINE\nexit 1\n")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(base); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	relHome, err := filepath.Rel(base, home)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, dir, home string }{
		{"relative agent dir", "agents/T", home},
		{"relative agent dir and VCS_HOME", "./agents/T", relHome},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: tt.dir, VCSHome: tt.home})
			if err != nil {
				t.Fatal(err)
			}
			res := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "r", Args: []string{"r"}, Timeout: 10 * time.Second})
			if res.Outcome != ep.Exited || res.ExitCode != 110 {
				t.Fatalf("%v exit %d (%v), output %q; want exit 110", res.Outcome, res.ExitCode, res.Err, res.Output)
			}
		})
	}
}
