package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
)

const modifyMain = `include "types.cf"

system n1

group g (
	SystemList = { n1 = 0 }
	AutoStartList = { n1 }
)

	FileOnOff f1 (
		PathName = "/tmp/vigil-modify-f1"
	)

	Process p1 (
		PathName = "/bin/sleep"
		Arguments = "1000"
	)

	Application a1 (
		StartProgram = "/bin/true"
		PidFiles = { "/run/a1.pid" }
	)
`

// checkMessages writes cfg with value attr=v set on res to a fresh
// directory, loads it as `vigil check` does and returns check's messages
// (without positions).
func checkMessages(t *testing.T, cfg *model.Config, res, attr string, v model.Value) []string {
	t.Helper()
	next := cfg.Clone()
	r := next.Resources[res]
	if d, ok := r.Type.Attr(attr); ok && d.Static || model.Catalogue[attr] != nil {
		r.Overrides[attr] = v
	} else {
		r.Values[attr] = v
	}
	dir := t.TempDir()
	if err := config.Dump(next, dir); err != nil {
		t.Fatalf("dump the configuration check is to see: %v", err)
	}
	_, err := config.Load(dir)
	var list syntax.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("check accepts %s %s = %v: %v", res, attr, v.Elements(), err)
	}
	var out []string
	for _, d := range list {
		out = append(out, d.Msg)
	}
	return out
}

// TestModifyValidatesAsCheck: every value `vigil check` refuses in main.cf
// is refused by Modify with check's messages, and main.cf stays
// byte-identical.
func TestModifyValidatesAsCheck(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte(modifyMain), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := start(t, cfg, newWorld(), config.Dump)
	if err := e.Modify("f1", "MonitorInterval", []string{"5"}); err != nil {
		t.Fatalf("a valid modify: %v", err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "main.cf"))
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, model.MaxArgListValues+1)
	for i := range many {
		many[i] = "x"
	}
	tests := []struct {
		name, res, attr string
		words           []string
	}{
		{"NumThreads override", "f1", "NumThreads", []string{"5"}},
		{"int over 32 bits", "f1", "MonitorInterval", []string{"2147483648"}},
		{"negative limit", "f1", "RestartLimit", []string{"-1"}},
		{"negative timeout", "f1", "OnlineTimeout", []string{"-5"}},
		{"ManageFaults bogus", "f1", "ManageFaults", []string{"bogus"}},
		{"IMF Mode 9", "f1", "IMF", []string{"Mode", "9", "MonitorFreq", "1", "RegisterRetryLimit", "3"}},
		{"MonitorStatsParam Frequency 99", "f1", "MonitorStatsParam", []string{"Frequency", "99"}},
		{"over 425 values", "a1", "PidFiles", many},
		{"ArgList override", "f1", "ArgList", []string{"PathName", "MonitorInterval"}},
		{"Operations override", "f1", "Operations", []string{"None"}},
		{"AgentDirectory override", "f1", "AgentDirectory", []string{"/tmp"}},
		{"NUL byte", "f1", "PathName", []string{"/tmp/a\x00b"}},
		{"value over the argument limit", "f1", "PathName", []string{strings.Repeat("z", model.MaxValueLen+1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := cfg.Resources[tc.res]
			d, ok := r.Type.Attr(tc.attr)
			if !ok {
				d = model.ResourceCatalogue[tc.attr]
			}
			v, perr := model.ParseValue(r.Type.Name, d, tc.words)
			err := e.Modify(tc.res, tc.attr, tc.words)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Modify = %v, want ErrInvalid", err)
			}
			if perr == nil {
				want := `modify resource "` + tc.res + `": ` + strings.Join(checkMessages(t, cfg, tc.res, tc.attr, v), "; ")
				if err.Error() != want {
					t.Errorf("message\n got %s\nwant %s", err, want)
				}
			}
			after, rerr := os.ReadFile(filepath.Join(dir, "main.cf"))
			if rerr != nil || !bytes.Equal(after, before) {
				t.Errorf("main.cf changed (%v)", rerr)
			}
		})
	}
}
