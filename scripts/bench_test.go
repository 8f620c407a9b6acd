package scripts_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/scripts"
)

// BenchmarkBundledMonitor measures one monitor of each bundled agent
// through the runner, under dash, against a baseline measured in the same
// run: a monitor script that only sources ag_i18n_inc.sh and exits 100.
// Each case reports x-baseline, its time as a multiple of the baseline's.
func BenchmarkBundledMonitor(b *testing.B) {
	const sh = "/usr/bin/dash"
	if _, err := os.Stat(sh); err != nil {
		b.Skipf("%s not installed: %v", sh, err)
	}
	dir := b.TempDir()
	live := strconv.Itoa(os.Getpid()) // a live pid for PidFile cases
	pidFile := filepath.Join(dir, "p.pid")
	if err := os.WriteFile(pidFile, []byte(live+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	base := filepath.Join(dir, "Base")
	if err := os.MkdirAll(base, 0o755); err != nil {
		b.Fatal(err)
	}
	body := "#!" + sh + "\nR=$1; shift\n. \"$VCS_HOME/bin/ag_i18n_inc.sh\"\nVCSAG_SET_ENVS \"$R\"\nexit 100\n"
	if err := os.WriteFile(filepath.Join(base, "monitor"), []byte(body), 0o755); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name, typ string
		tuples    []string
	}{
		{"baseline", "", nil},
		{"Phantom", "Phantom", []string{"Dummy", "1", ""}},
		{"Process/PidFile", "Process", []string{"PathName", "1", "/bin/sleep", "Arguments", "1", "1000",
			"UserName", "1", "root", "PidFile", "1", pidFile}},
		{"Process/cmdline", "Process", []string{"PathName", "1", "/no/such/prog", "Arguments", "1", "a b",
			"UserName", "1", "root", "PidFile", "1", ""}},
		{"Application/PidFiles", "Application", []string{"User", "1", "root", "StartProgram", "1", "",
			"StopProgram", "1", "", "CleanProgram", "1", "", "MonitorProgram", "1", "", "PidFiles", "1", pidFile,
			"MonitorProcesses", "0"}},
		{"Mount", "Mount", []string{"MountPoint", "1", "/", "BlockDevice", "1", "/no/dev", "FSType", "1", "",
			"MountOpt", "1", "", "FsckOpt", "1", ""}},
	}
	var baseline time.Duration
	rn := newRunner(b)
	for _, c := range cases {
		var s *runner.Script
		var err error
		if c.typ == "" {
			s, err = runner.NewScript(runner.ScriptOptions{Runner: rn, TypeName: "Base", AgentDir: base, VCSHome: benchHome(b)})
		} else {
			s, err = benchAgent(b, rn, c.typ, sh)
		}
		if err != nil {
			b.Fatal(err)
		}
		args := append([]string{"r"}, c.tuples...)
		b.Run(c.name, func(b *testing.B) {
			start := time.Now()
			for i := 0; i < b.N; i++ {
				r := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "r", Args: args, Timeout: 10 * time.Second})
				if r.Outcome != ep.Exited {
					b.Fatalf("monitor: %v %v", r.Outcome, r.Err)
				}
			}
			per := time.Since(start) / time.Duration(b.N)
			if c.typ == "" {
				baseline = per
			}
			if baseline > 0 {
				b.ReportMetric(float64(per)/float64(baseline), "x-baseline")
			}
		})
	}
}

var benchHomeDir string

// benchHome materialises the compatibility tree once for the benchmark.
func benchHome(b *testing.B) string {
	if benchHomeDir == "" {
		benchHomeDir = b.TempDir()
		if err := scripts.Materialise(benchHomeDir); err != nil {
			b.Fatal(err)
		}
	}
	return benchHomeDir
}

// benchAgent returns the bundled agent typ with its #! lines switched to sh.
func benchAgent(b *testing.B, rn *runner.Runner, typ, sh string) (*runner.Script, error) {
	home := benchHome(b)
	dir := copyAgent(b, filepath.Join(home, "bin", typ), sh)
	return runner.NewScript(runner.ScriptOptions{Runner: rn, TypeName: typ, AgentDir: dir, VCSHome: home})
}
