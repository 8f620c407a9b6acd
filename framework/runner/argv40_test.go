package runner_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestArgvV40 runs a positional probe for every entry point under dash and
// bash in an agent directory whose ProbeAgent links to the stock
// ScriptAgent: the Script must report V40, argv must arrive byte-exact,
// match testdata/argv40, carry no AEPTimeout, and decode by position into
// the resource's values.
func TestArgvV40(t *testing.T) {
	home := vcsHome(t)
	probe, err := os.ReadFile("testdata/probe40.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, aep := range []bool{false, true} {
		cfg, res := probeConfig(aep)
		for _, interp := range interpreters {
			for _, c := range argvCases {
				name := filepath.Base(interp) + "/" + c.name()
				if aep {
					name += "/AEPTimeout"
				}
				t.Run(name, func(t *testing.T) {
					needInterp(t, interp)
					runProbeV40(t, home, interp, string(probe), cfg, res, c, aep)
				})
			}
		}
	}
}

func runProbeV40(t *testing.T, home, interp, body string, cfg *model.Config, res *model.Resource, c argvCase, aep bool) {
	dir := t.TempDir()
	if err := os.Symlink("/opt/VRTSvcs/bin/ScriptAgent", filepath.Join(dir, "ProbeAgent")); err != nil {
		t.Fatal(err)
	}
	writeScript(t, dir, "monitor", interp, body)
	target := string(c.ep)
	if c.ep == ep.Action {
		target = "actions/" + c.action
	}
	writeScript(t, dir, target, interp, body)
	s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "Probe", AgentDir: dir, VCSHome: home})
	if err != nil {
		t.Fatal(err)
	}
	if s.Version() != arglist.V40 {
		t.Fatalf("Version() = %s (%q), want V40", s.Version(), s.VersionSource())
	}
	args, err := arglist.ForEPVersion(s.Version(), c.ep, res, cfg, c.extra)
	if err != nil {
		t.Fatal(err)
	}
	checkGoldenDir(t, "argv40", c, aep, args)
	out := filepath.Join(t.TempDir(), "argv")
	r := s.Run(context.Background(), ep.Request{EP: c.ep, Type: "Probe", Resource: res.Name, Args: args,
		Action: c.action, Timeout: 20 * time.Second, Env: []string{"PROBE_OUT=" + out, "PROBE_EXIT=105"}})
	if r.Outcome != ep.Exited || r.ExitCode != 105 {
		t.Fatalf("result %v exit %d err %v output %q", r.Outcome, r.ExitCode, r.Err, r.Output)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if g := splitNUL(got); !equal(g, args) {
		t.Fatalf("argv differs:\n got %q\nwant %q", g, args)
	}
	if !c.tuples {
		return
	}
	dec, err := os.ReadFile(out + ".attr")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := splitNUL(dec), decodedV40(c); !equal(g, w) {
		t.Errorf("positional decoding:\n got %q\nwant %q", g, w)
	}
}

// decodedV40 is what probe40.sh must decode: the values of the probe
// resource, then the count and elements of what follows them.
func decodedV40(c argvCase) []string {
	want := []string{trickyStr, "-42", strconv.Itoa(len(trickyVec))}
	want = append(want, trickyVec...)
	want = append(want, strconv.Itoa(len(trickyKeys)))
	want = append(want, trickyKeys...)
	want = append(want, strconv.Itoa(2*len(trickyAssoc)))
	want = append(want, model.AssocValue(trickyAssoc...).Elements()...)
	want = append(want, "0", "peer's $tr")
	var rest []string
	if c.ep == ep.Action {
		rest = append([]string{strconv.Itoa(len(c.extra.ActionArgs))}, c.extra.ActionArgs...)
	}
	return append(append(want, strconv.Itoa(len(rest))), rest...)
}

// checkGoldenDir compares args with testdata/<dir>/<case>[-aep].golden.
func checkGoldenDir(t *testing.T, dir string, c argvCase, aep bool, args []string) {
	t.Helper()
	name := c.name()
	if aep {
		name += "-aep"
	}
	path := filepath.Join("testdata", dir, name+".golden")
	var b strings.Builder
	for _, a := range args {
		b.WriteString(strconv.Quote(a) + "\n")
	}
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update)", path, err)
	}
	if string(want) != b.String() {
		t.Errorf("argv differs from %s:\n got:\n%s\nwant:\n%s", path, b.String(), want)
	}
}
