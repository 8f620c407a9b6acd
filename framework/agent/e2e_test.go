package agent

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/resstate/scenario"
	"github.com/vigil-ha/vigil/framework/runner"
)

// scriptEP is the one entry-point script of the end-to-end replay: it
// takes the result of its n-th call from "$SCEN_DIR/<ep>.<n>" ("exit sleep
// step"), using shell built-ins only so that it starts fast; it records the step it consumed, and blocks once its list runs out.
const scriptEP = `#!/bin/sh
ep=${0##*/}
n=0
[ -f "$SCEN_DIR/$ep.n" ] && read n <"$SCEN_DIR/$ep.n"
n=$((n+1))
if [ ! -f "$SCEN_DIR/$ep.$n" ]; then
	echo x >>"$SCEN_DIR/$ep.blocked"
	exec sleep 600
fi
echo "$n" >"$SCEN_DIR/$ep.n"
read code pause step <"$SCEN_DIR/$ep.$n"
echo "$step" >>"$SCEN_DIR/consumed"
[ "$pause" != 0 ] && exec sleep "$pause"
exit "$code"
`

// e2eUnit is one attribute second in the end-to-end replay: MonitorInterval
// 10 is 400 ms and the timeouts of 5 are 200 ms, generous for a shell
// script on a loaded machine.
const e2eUnit = 40 * time.Millisecond

// scriptDriver follows the scripts' progress through their state files;
// real time passes by itself.
type scriptDriver struct{ dir string }

func (d scriptDriver) consumed(step int) bool {
	data, _ := os.ReadFile(filepath.Join(d.dir, "consumed"))
	return slices.Contains(strings.Fields(string(data)), strconv.Itoa(step))
}

func (d scriptDriver) blocked(n ep.Name) bool {
	_, err := os.Stat(filepath.Join(d.dir, string(n)+".blocked"))
	return err == nil
}

func (d scriptDriver) advance() bool {
	time.Sleep(2 * time.Millisecond)
	return true
}

// writeAgentDir writes the scripts of the scenario's entry points and their
// result lists.
func writeAgentDir(t *testing.T, s *scenario.Script) (agentDir, stateDir string) {
	t.Helper()
	agentDir, stateDir = t.TempDir(), t.TempDir()
	queues := map[ep.Name][]string{}
	for i, st := range s.Steps {
		n := st.EP()
		if n == "" {
			continue
		}
		code, timeout := st.Result()
		sleep := "0"
		if timeout {
			sleep = "600"
		}
		queues[n] = append(queues[n], strconv.Itoa(code)+" "+sleep+" "+strconv.Itoa(i))
	}
	for n := range s.EPs() {
		if err := os.WriteFile(filepath.Join(agentDir, string(n)), []byte(scriptEP), 0o755); err != nil {
			t.Fatal(err)
		}
		for i, line := range queues[n] {
			name := filepath.Join(stateDir, string(n)+"."+strconv.Itoa(i+1))
			if err := os.WriteFile(name, []byte(line+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return agentDir, stateDir
}

// newRunner returns a Runner for one test, drained and closed when the test
// (and its parallel subtests) end.
func newRunner(t *testing.T) *runner.Runner {
	r := runner.New(runner.Options{})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.Drain(ctx)
		r.Close()
	})
	return r
}

// TestScenariosScripts replays the scenarios once end to end: real script
// entry points run by package runner, the real clock, one attribute second
// = 40 ms. Scenarios tagged no-e2e (an hour of simulated time) are left out.
func TestScenariosScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end replay with real scripts skipped in -short mode")
	}
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh to run script entry points")
	}
	scripts, err := scenario.Load(scenarioDir)
	if err != nil || len(scripts) == 0 {
		t.Fatalf("scenarios: %v (%d)", err, len(scripts))
	}
	// Every script is written before any test forks: a file open for
	// writing while another goroutine forks makes exec fail (ETXTBSY).
	type dirs struct{ agent, state string }
	prepared := map[string]dirs{}
	for _, s := range scripts {
		a, st := writeAgentDir(t, s)
		prepared[s.Name] = dirs{a, st}
	}
	rn := newRunner(t)
	for _, s := range scripts {
		if s.HasTag("no-e2e") {
			continue
		}
		t.Run(filepath.Base(s.Name), func(t *testing.T) {
			t.Parallel()
			agentDir, stateDir := prepared[s.Name].agent, prepared[s.Name].state
			r := s.Resource()
			impl, err := runner.NewScript(runner.ScriptOptions{Runner: rn, TypeName: r.Type.Name, AgentDir: agentDir,
				ExtraEnv: []string{"SCEN_DIR=" + stateDir}, Logger: zap.NewNop(), KillGrace: 100 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			imf := newFakeIMF(s)
			a, err := New(Options{Type: r.Type, Impl: impl, Clock: clock.Real{}, Notify: rec.notify, IMF: imf,
				TimeUnit: e2eUnit})
			if err != nil {
				t.Fatal(err)
			}
			replay(t, s, a, r, rec, scriptDriver{dir: stateDir}, imf, 60*time.Second)
		})
	}
}
