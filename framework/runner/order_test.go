package runner_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestPrintedLinesAndRecordsInOrder: an entry point's printed lines and its
// VCSAG_LOG_MSG records reach the agent log in the order the entry point
// wrote them (fd 3 shares the output pipe), many times over, and records
// never count as the entry point's output.
func TestPrintedLinesAndRecordsInOrder(t *testing.T) {
	home := vcsHome(t)
	for _, interp := range interpreters {
		t.Run(filepath.Base(interp), func(t *testing.T) {
			needInterp(t, interp)
			dir := t.TempDir()
			writeScript(t, dir, "monitor", interp, `. "$VCS_HOME/bin/ag_i18n_inc.sh"
VCSAG_SET_ENVS "$1"
i=0
while [ $i -lt 50 ]; do
	echo "printed $i"
	VCSAG_LOG_MSG "I" "record $i" 1
	echo "stderr $i" >&2
	i=$((i+1))
done
exit 110
`)
			var buf bytes.Buffer
			core, err := agentlog.NewCore(zapcore.AddSync(&buf), agentlog.FormatVCS, nil, agentlog.CategoryFramework)
			if err != nil {
				t.Fatal(err)
			}
			s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "T", AgentDir: dir, VCSHome: home,
				Logger: zap.New(core)})
			if err != nil {
				t.Fatal(err)
			}
			r := s.Run(context.Background(), ep.Request{EP: ep.Monitor, Resource: "res1", Args: []string{"res1"}, Timeout: 10 * time.Second})
			if r.Outcome != ep.Exited || r.ExitCode != 110 {
				t.Fatalf("monitor: %v %d %v", r.Outcome, r.ExitCode, r.Err)
			}
			if bytes.Contains(r.Output, []byte("record")) || bytes.ContainsRune(r.Output, runner.RecordMark) {
				t.Errorf("records counted as output: %q", r.Output)
			}
			re := regexp.MustCompile(`(printed|record|stderr) (\d+)\n`)
			var got []string
			for _, m := range re.FindAllStringSubmatch(buf.String(), -1) {
				got = append(got, m[1]+" "+m[2])
			}
			var want []string
			for i := range 50 {
				for _, w := range []string{"printed", "record", "stderr"} {
					want = append(want, w+" "+itoa(i))
				}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("log order differs from write order:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
