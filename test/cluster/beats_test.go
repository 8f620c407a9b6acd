package cluster

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// beatEnv makes the test binary the managed process: it appends
// "<node> <monotonic ns>" to the file named by its first argument every
// beatPeriod until killed.
const beatEnv = "VIGIL_TESTBED_BEAT"

const beatPeriod = 5 * time.Millisecond

func monotonic() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// beat is the managed process's main.
func beat(file, node string) {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		os.Exit(1)
	}
	for {
		fmt.Fprintf(f, "%s %d\n", node, monotonic())
		time.Sleep(beatPeriod)
	}
}

// interval is a span in which one node ran the group.
type interval struct {
	node       string
	start, end int64
}

// intervals rebuilds the run intervals from every heartbeat file under dir:
// a gap of more than 100 ms between two beats of one node ends a run.
func intervals(t *testing.T, dir string) []interval {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*", "beats"))
	var out []interval
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var cur *interval
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			node, ns, ok := strings.Cut(sc.Text(), " ")
			v, err := strconv.ParseInt(ns, 10, 64)
			if !ok || err != nil {
				continue // a line cut by SIGKILL
			}
			if cur != nil && (cur.node != node || v-cur.end > int64(100*time.Millisecond)) {
				out = append(out, *cur)
				cur = nil
			}
			if cur == nil {
				cur = &interval{node: node, start: v, end: v}
			}
			cur.end = v
		}
		fh.Close()
		if cur != nil {
			out = append(out, *cur)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// overlaps lists every pair of runs of different nodes at the same time:
// a run must start after the previous one's last beat plus one period (it
// may have lived that long after its last beat).
func overlaps(iv []interval) []string {
	var out []string
	for i := 1; i < len(iv); i++ {
		for j := 0; j < i; j++ {
			if iv[j].node != iv[i].node && iv[i].start <= iv[j].end+int64(beatPeriod) {
				out = append(out, fmt.Sprintf("%s ran the group from %d while %s ran it until %d (%s)",
					iv[i].node, iv[i].start, iv[j].node, iv[j].end, time.Duration(iv[j].end-iv[i].start)))
			}
		}
	}
	return out
}

// checkNoOverlap fails the test on any overlap in dir's heartbeats.
func checkNoOverlap(t *testing.T, dir string) []interval {
	t.Helper()
	iv := intervals(t, dir)
	for _, o := range overlaps(iv) {
		t.Error("overlap: " + o)
	}
	return iv
}

func TestIntervalsAndOverlap(t *testing.T) {
	dir := t.TempDir()
	write := func(node string, beats ...int64) {
		os.MkdirAll(filepath.Join(dir, node), 0o755)
		var b strings.Builder
		for _, v := range beats {
			fmt.Fprintf(&b, "%s %d\n", node, v)
		}
		os.WriteFile(filepath.Join(dir, node, "beats"), []byte(b.String()), 0o644)
	}
	ms := int64(time.Millisecond)
	write("n1", 0, 5*ms, 10*ms, 500*ms, 505*ms)
	write("n2", 100*ms, 105*ms)
	iv := intervals(t, dir)
	if len(iv) != 3 || iv[0].node != "n1" || iv[1].node != "n2" || iv[2].start != 500*ms {
		t.Fatalf("intervals %+v", iv)
	}
	if o := overlaps(iv); len(o) != 0 {
		t.Fatalf("false overlap: %v", o)
	}
	write("n2", 8*ms, 20*ms) // starts while n1 runs
	if o := overlaps(intervals(t, dir)); len(o) != 1 {
		t.Fatalf("overlaps %v, want one", o)
	}
}
