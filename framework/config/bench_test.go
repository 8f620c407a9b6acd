package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// writeLarge writes a configuration of n resources (100 per group, four
// standard types, a dependency chain in each group) and returns its dir.
func writeLarge(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("include \"types.cf\"\n\ncluster big (\n)\n\nsystem n1\nsystem n2\n\n")
	for g := 0; g*100 < n; g++ {
		fmt.Fprintf(&b, "group g%d (\n\tSystemList = { n1 = 0, n2 = 1 }\n\tAutoStartList = { n1 }\n)\n", g)
		if g > 0 {
			fmt.Fprintf(&b, "\trequires group g%d online local firm\n", g-1)
		}
		for i := g * 100; i < min(n, (g+1)*100); i++ {
			switch i % 4 {
			case 0:
				fmt.Fprintf(&b, "\tProcess r%d (\n\t\tPathName = \"/usr/bin/daemon\"\n\t\tArguments = \"--id %d --config \\\"/etc/d.conf\\\"\"\n\t\tMonitorInterval = 30\n\t)\n", i, i)
			case 1:
				fmt.Fprintf(&b, "\tFileOnOff r%d (\n\t\tPathName = \"/run/flag%d\"\n\t\tCritical = 0\n\t)\n", i, i)
			case 2:
				fmt.Fprintf(&b, "\tApplication r%d (\n\t\tStartProgram = \"/opt/app/start %d\"\n\t\tMonitorProcesses = { \"/opt/app/appd %d\", \"/opt/app/helper\" }\n\t\tIMF = { Mode = 2, MonitorFreq = 5, RegisterRetryLimit = 3 }\n\t)\n", i, i, i)
			default:
				fmt.Fprintf(&b, "\tMount r%d (\n\t\tMountPoint = \"/mnt/m%d\"\n\t\tBlockDevice = \"/dev/vd%d\"\n\t\tFSType = ext4\n\t)\n", i, i, i)
			}
		}
		for i := g*100 + 1; i < min(n, (g+1)*100); i++ {
			if i%4 != 1 { // FileOnOff parents only, so Operations rules hold
				continue
			}
			fmt.Fprintf(&b, "\tr%d requires r%d\n", i, i-1)
		}
	}
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// readLex is the baseline: read main.cf and lex every token, nothing more.
func readLex(tb testing.TB, dir string) int {
	src, err := os.ReadFile(filepath.Join(dir, "main.cf"))
	if err != nil {
		tb.Fatal(err)
	}
	var errs syntax.ErrorList
	s := syntax.NewScanner("main.cf", src, &errs)
	n := 0
	for _, _, ok := s.Scan(); ok; _, _, ok = s.Scan() {
		n++
	}
	return n
}

func TestLargeConfigLoads(t *testing.T) {
	dir := writeLarge(t, 10000)
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Resources) != 10000 || len(cfg.Groups) != 100 {
		t.Fatalf("got %d resources in %d groups, want 10000 in 100", len(cfg.Resources), len(cfg.Groups))
	}
}

// BenchmarkCheck10k measures what `vigil check` does on a 10,000-resource
// configuration (read, parse, build, validate) and, in the same loop, the
// baseline of just reading and lexing the same bytes.
func BenchmarkCheck10k(b *testing.B) {
	dir := writeLarge(b, 10000)
	var base, full time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		readLex(b, dir)
		t1 := time.Now()
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
		base += t1.Sub(t0)
		full += time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(full.Microseconds())/1000/n, "ms/check")
	b.ReportMetric(float64(base.Microseconds())/1000/n, "ms/read+lex")
	b.ReportMetric(float64(full)/float64(base), "x-baseline")
}
