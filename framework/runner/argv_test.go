package runner_test

import (
	"context"
	"flag"
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

var update = flag.Bool("update", false, "rewrite golden files")

// argvCase is one entry point call of the argv tests.
type argvCase struct {
	ep     ep.Name
	action string
	extra  arglist.Extra
	tuples bool // argv carries ArgList tuples (attribute lookups are checked)
}

var argvCases = []argvCase{
	{ep: ep.Monitor, tuples: true},
	{ep: ep.Online, tuples: true},
	{ep: ep.Offline, tuples: true},
	{ep: ep.Open, tuples: true},
	{ep: ep.Close, tuples: true},
	{ep: ep.Clean, extra: arglist.Extra{CleanReason: 4}, tuples: true},
	{ep: ep.Info, extra: arglist.Extra{ResInfoOp: 2}, tuples: true},
	{ep: ep.Action, action: "tok", extra: arglist.Extra{ActionArgs: []string{"a 1", "$b\n`c`"}}, tuples: true},
	{ep: ep.IMFRegister, extra: arglist.Extra{MonitorOn: true, StateOnline: true}, tuples: true},
	{ep: ep.AttrChanged, extra: arglist.Extra{ChangedRes: "other res", ChangedAttr: "Vec",
		NewValue: model.ListValue(model.Vector, "x y", "")}},
	{ep: ep.Shutdown},
	{ep: ep.IMFInit},
}

func (c argvCase) name() string {
	if c.action != "" {
		return string(c.ep) + "-" + c.action
	}
	return string(c.ep)
}

// TestArgv runs a probe entry point for every entry point under dash, bash
// and Perl, and checks that argv arrives byte-exact, matches the golden
// file, and that VCSAG_GET_ATTR_VALUE finds every dimension.
func TestArgv(t *testing.T) {
	home := vcsHome(t)
	probeSh, err := os.ReadFile("testdata/probe.sh")
	if err != nil {
		t.Fatal(err)
	}
	probePl, err := os.ReadFile("testdata/probe.pl")
	if err != nil {
		t.Fatal(err)
	}
	for _, aep := range []bool{false, true} {
		cfg, res := probeConfig(aep)
		for _, interp := range append(append([]string(nil), interpreters...), "/usr/bin/perl") {
			body := string(probeSh)
			if strings.HasSuffix(interp, "perl") {
				body = string(probePl)
			}
			for _, c := range argvCases {
				name := filepath.Base(interp) + "/" + c.name()
				if aep {
					name += "/AEPTimeout"
				}
				t.Run(name, func(t *testing.T) {
					needInterp(t, interp)
					runProbe(t, home, interp, body, cfg, res, c, aep)
				})
			}
		}
	}
}

func runProbe(t *testing.T, home, interp, body string, cfg *model.Config, res *model.Resource, c argvCase, aep bool) {
	dir := t.TempDir()
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
	args, err := arglist.ForEP(c.ep, res, cfg, c.extra)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, c, aep, args)
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
	attr, err := os.ReadFile(out + ".attr")
	if err != nil {
		t.Fatal(err)
	}
	recs := splitNUL(attr)
	if ep := recs[len(recs)-1]; ep != string(c.ep) {
		t.Errorf("entry_point = %q, want %q", ep, c.ep)
	}
	if c.tuples {
		checkLookups(t, recs[:len(recs)-1], c, aep)
	}
}

// checkLookups compares the probe's VCSAG_GET_ATTR_VALUE results.
func checkLookups(t *testing.T, recs []string, c argvCase, aep bool) {
	ok, fail := "0", "1"
	nArgs, arg1, arg1rc := "", "", fail
	if c.ep == ep.Action {
		nArgs, arg1, arg1rc = "2", c.extra.ActionArgs[1], ok
	}
	aepVal, aepRC := "", fail
	if aep {
		aepVal, aepRC = strconv.Itoa(int(arglist.Timeout(c.ep, func() *model.Resource { _, r := probeConfig(true); return r }())/time.Second)), ok
	}
	want := []string{
		ok, trickyStr, ok, "-42", ok, "9", ok, "", ok, "new\nline", ok, "`echo pwned`", ok, "-1 3",
		ok, "ß", ok, "6", ok, "v\n1", ok, "0", ok, "", ok, "peer's $tr", fail, "", fail, "",
		map[bool]string{true: ok, false: fail}[c.ep == ep.Action], nArgs, arg1rc, arg1, aepRC, aepVal,
	}
	if !equal(recs, want) {
		for i := range max(len(recs), len(want)) {
			var g, w string
			if i < len(recs) {
				g = recs[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("lookup record %d: got %q want %q", i, g, w)
			}
		}
	}
}

func checkGolden(t *testing.T, c argvCase, aep bool, args []string) {
	t.Helper()
	checkGoldenDir(t, "argv", c, aep, args)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
