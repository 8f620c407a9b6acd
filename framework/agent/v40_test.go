package agent

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
)

// v40Scripts are the entry points of an old agent that reads its
// arguments by position: $2 is the state file, $3 the count of Ifs.
var v40Scripts = map[string]string{
	"monitor":        "#!/bin/sh\nprintf '%s|' \"$@\" >>\"$ARGV_LOG\"; echo >>\"$ARGV_LOG\"\n[ -f \"$2\" ] && exit 110\nexit 100\n",
	"online":         "#!/bin/sh\n: >\"$2\"\n",
	"offline":        "#!/bin/sh\nrm -f \"$2\"\n",
	"actions/ifaces": "#!/bin/sh\nshift 2\nn=$1; shift; i=0\nwhile [ $i -lt $n ]; do shift; i=$((i+1)); done\necho \"ifs=$n args=$*\"\n",
}

// TestV40ScriptAgent runs an agent with a real runner over a script agent
// directory: with V40WebAgent linked to ScriptAgent the positional scripts
// see their values (probe, offline, online, action); without the link (V50
// tuples) the same monitor finds "StateFile" in $2 and reports offline.
func TestV40ScriptAgent(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh to run script entry points")
	}
	tests := []struct {
		name      string
		link      bool
		version   arglist.Version
		probed    string
		firstArgv string
	}{
		{"ScriptAgent link is V40", true, arglist.V40, "ONLINE", "w1|%s|2|eth0|eth 1|"},
		{"no link is V50", false, arglist.V50, "OFFLINE", "w1|StateFile|1|%s|Ifs|2|eth0|eth 1|AEPTimeout|1|60|"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, state := t.TempDir(), t.TempDir()
			for name, body := range v40Scripts {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tc.link {
				if err := os.Symlink("/opt/VRTSvcs/bin/ScriptAgent", filepath.Join(dir, "V40WebAgent")); err != nil {
					t.Fatal(err)
				}
			}
			stateFile, argvLog := filepath.Join(state, "running"), filepath.Join(state, "argv")
			if err := os.WriteFile(stateFile, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			impl, err := runner.NewScript(runner.ScriptOptions{Runner: newRunner(t), TypeName: "V40Web", AgentDir: dir,
				ExtraEnv: []string{"ARGV_LOG=" + argvLog}, Logger: zap.NewNop(), KillGrace: 100 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			typ := &model.Type{Name: "V40Web", Attrs: map[string]*model.AttrDef{
				"StateFile": {Name: "StateFile", Kind: model.Str, Dim: model.Scalar, Default: model.Zero(model.Scalar)},
				"Ifs":       {Name: "Ifs", Kind: model.Str, Dim: model.Vector, Default: model.Zero(model.Vector)},
			}, Statics: map[string]model.Value{
				"ArgList":          model.ListValue(model.Vector, "StateFile", "Ifs"),
				"AEPTimeout":       model.IntValue(1),
				"SupportedActions": model.ListValue(model.Keylist, "ifaces"),
			}}
			r := &model.Resource{Name: "w1", Type: typ, Overrides: map[string]model.Value{}, Values: map[string]model.Value{
				"StateFile": model.ScalarValue(stateFile), "Ifs": model.ListValue(model.Vector, "eth0", "eth 1")}}
			a, err := New(Options{Type: typ, Snapshot: func() *model.Config { return &model.Config{Resources: map[string]*model.Resource{"w1": r}} },
				Impl: impl, Clock: clock.Real{}})
			if err != nil {
				t.Fatal(err)
			}
			if a.ArgVersion() != tc.version {
				t.Fatalf("ArgVersion() = %s, want %s", a.ArgVersion(), tc.version)
			}
			a.Start()
			defer a.Stop(context.Background())
			if err := a.Add(r); err != nil {
				t.Fatal(err)
			}
			waitState(t, a, "w1", tc.probed)
			data, _ := os.ReadFile(argvLog)
			first, _, _ := strings.Cut(string(data), "\n")
			if want := strings.Replace(tc.firstArgv, "%s", stateFile, 1); first != want {
				t.Errorf("monitor argv %q, want %q", first, want)
			}
			if !tc.link {
				return
			}
			if err := a.Offline("w1"); err != nil {
				t.Fatal(err)
			}
			waitState(t, a, "w1", "OFFLINE")
			if _, err := os.Stat(stateFile); !os.IsNotExist(err) {
				t.Errorf("offline left the state file: %v", err)
			}
			if err := a.Online("w1"); err != nil {
				t.Fatal(err)
			}
			waitState(t, a, "w1", "ONLINE")
			if _, err := os.Stat(stateFile); err != nil {
				t.Errorf("online did not create the state file: %v", err)
			}
			res, err := a.Action(context.Background(), "w1", "ifaces", []string{"x", "y z"})
			if err != nil || strings.TrimSpace(string(res.Output)) != "ifs=2 args=2 x y z" {
				t.Errorf("action output %q, %v", res.Output, err)
			}
		})
	}
}

// waitState waits until the resource settles in state.
func waitState(t *testing.T, a *Agent, name, want string) {
	t.Helper()
	var st Status
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		st, _ = a.Status(name)
		if st.State.String() == want {
			return
		}
	}
	t.Fatalf("resource %s: state %s, want %s", name, st.State, want)
}
