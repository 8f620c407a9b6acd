package agents_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/agents"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
	"github.com/vigil-ha/vigil/plugins/sdk/sdktest"
	"github.com/vigil-ha/vigil/scripts"
)

// fixture is one standard-type resource the suite runs on, for both the
// built-in agent and the bundled script example.
type fixture struct {
	typ    string
	attrs  func(t *testing.T, dir string) string // main.cf attribute text
	probe  ep.MonitorState
	action string
	root   bool   // needs root (mount)
	types  string // file of extra type definitions (a sample type), relative to this package
	script bool   // a script sample only: no built-in
}

var fixtures = []fixture{
	{typ: "FileOnOff", attrs: func(_ *testing.T, d string) string { return fmt.Sprintf("PathName = %q", d+"/f") }},
	{typ: "FileOnOnly", attrs: func(_ *testing.T, d string) string { return fmt.Sprintf("PathName = %q", d+"/f") }},
	{typ: "FileNone", probe: ep.StateOnline, attrs: func(t *testing.T, d string) string {
		write(t, d+"/f", "")
		return fmt.Sprintf("PathName = %q", d+"/f")
	}},
	{typ: "ElifNone", probe: ep.StateOnline, attrs: func(_ *testing.T, d string) string {
		return fmt.Sprintf("PathName = %q", d+"/absent")
	}},
	{typ: "Phantom", probe: ep.StateOnline, attrs: func(*testing.T, string) string { return "" }},
	{typ: "Process", attrs: func(t *testing.T, d string) string {
		return fmt.Sprintf("PathName = \"/bin/sleep\"\n\tArguments = \"%d\"\n\tPidFile = %q", sleepSeconds(t), d+"/p.pid")
	}},
	{typ: "Application", action: "program.vfd", attrs: func(t *testing.T, d string) string {
		write(t, d+"/start", fmt.Sprintf("#!/bin/sh\nsleep %d </dev/null >/dev/null 2>&1 &\necho $! >%s/app.pid\n",
			sleepSeconds(t), d))
		os.Chmod(d+"/start", 0o755)
		return fmt.Sprintf("StartProgram = %q\n\tPidFiles = { %q }", d+"/start", d+"/app.pid")
	}},
	{typ: "FileData", script: true, action: "checksum", types: "../../scripts/agents/FileData/FileDataTypes.cf", attrs: func(_ *testing.T, d string) string {
		return fmt.Sprintf("PathName = %q\n\tContent = \"hello\"\n\tOwners = { a, b }", d+"/data")
	}},
	{typ: "Mount", root: true, attrs: func(t *testing.T, d string) string {
		return fmt.Sprintf("MountPoint = %q\n\tBlockDevice = \"vigil-conf-%d\"\n\tFSType = tmpfs", d+"/mnt", os.Getpid())
	}},
}

// sleepSeconds returns an argument for sleep unique to this test run, so
// the Process agent's argv match finds only our process.
var sleepBase = 4000 + os.Getpid()%1000

func sleepSeconds(t *testing.T) int {
	sleepBase++
	return sleepBase
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConformance runs every built-in agent and every bundled script
// example (the FileData sample included: info and actions) through the
// conformance suite.
func TestConformance(t *testing.T) {
	run := runner.New(runner.Options{Logger: zaptest.NewLogger(t)})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		run.Drain(ctx)
		run.Close()
	})
	vcsHome := t.TempDir()
	if err := scripts.Materialise(vcsHome); err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		for _, kind := range []string{"builtin", "script"} {
			if f.script && kind == "builtin" {
				continue
			}
			t.Run(f.typ+"/"+kind, func(t *testing.T) {
				if f.root && os.Geteuid() != 0 {
					t.Skip("mounting tmpfs needs root")
				}
				dir := t.TempDir()
				var types []byte
				if f.types != "" {
					var err error
					if types, err = os.ReadFile(f.types); err != nil {
						t.Fatal(err)
					}
				}
				cfg := sdktest.LoadConfig(t, fmt.Sprintf(`include "types.cf"
`+string(types)+`
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
%s r1 (
	%s
	)
`, f.typ, f.attrs(t, dir)), map[string]string{})
				impl := open(t, kind, cfg.Types[f.typ], run, vcsHome)
				sdktest.Run(t, sdktest.Subject{Impl: impl, Config: cfg, Resource: "r1", ProbeState: f.probe,
					Action: f.action})
			})
		}
	}
}

func open(t *testing.T, kind string, typ *model.Type, run *runner.Runner, vcsHome string) ep.Implementation {
	t.Helper()
	log := zaptest.NewLogger(t)
	if kind == "builtin" {
		a, ok := agents.New(typ.Name, agents.Deps{Runner: run})
		if !ok {
			t.Fatalf("no built-in agent for %s", typ.Name)
		}
		return inproc.New(a, inproc.Options{Type: typ, Logger: log})
	}
	s, err := runner.NewScript(runner.ScriptOptions{Runner: run, TypeName: typ.Name,
		AgentDir: filepath.Join(vcsHome, "bin", typ.Name), VCSHome: vcsHome, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
