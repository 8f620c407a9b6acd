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

// TestPerlAgentFindsItsOwnModules: a Perl entry point that `use`s and
// `require`s modules shipped in its own agent directory finds them, as
// under VCS, although the host Perl has no "." in @INC; a system module of
// the same name still wins, as "." comes last.
func TestPerlAgentFindsItsOwnModules(t *testing.T) {
	needInterp(t, "/usr/bin/perl")
	home := vcsHome(t)
	dir := t.TempDir()
	for name, body := range map[string]string{
		"AgentHelper.pm": "package AgentHelper;\nsub code { return 110 }\n1;\n",
		"lib.pl":         "sub extra { return 0 }\n1;\n",
		"strict.pm":      "die 'the agent directory shadowed a system module';\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeScript(t, dir, "monitor", "/usr/bin/perl", `use strict;
use AgentHelper;
require "lib.pl";
exit(AgentHelper::code() + extra());
`)
	s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: dir, VCSHome: home})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "res1", Args: []string{"res1"}, Timeout: 10 * time.Second})
	if r.Outcome != ep.Exited || r.ExitCode != 110 {
		t.Fatalf("monitor: %v exit %d %v; output:\n%s", r.Outcome, r.ExitCode, r.Err, r.Output)
	}
}
