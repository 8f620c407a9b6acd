package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// v40Monitor reads its arguments by position, as V40 agents do: $2 is
// PathName, $3 the count of Opts.
const v40Monitor = `#!/bin/sh
echo "path=$2 opts=$3"
[ -f "$2" ] && exit 110
exit 100
`

// TestEPVersion runs `vigil ep` on a custom script agent with and without
// <Type>Agent linked to the stock ScriptAgent: the version line and the argv
// must be the V40 positional or the V50 tuple form, as the agent would use.
func TestEPVersion(t *testing.T) {
	file := filepath.Join(t.TempDir(), "present")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		link string // target of OldFileAgent; "" = none
		want []string
	}{
		{"ScriptAgent link", "/opt/VRTSvcs/bin/ScriptAgent", []string{
			"version  V40 (OldFileAgent -> /opt/VRTSvcs/bin/ScriptAgent)",
			`argv[1]  "o1"`, `argv[2]  "` + file + `"`, `argv[3]  "2"`, `argv[4]  "k"`, `argv[5]  "v"`,
			"timeout", "result   exit 110 (online, confidence 100)", "path=" + file + " opts=2"}},
		{"Script51Agent link", "../../bin/Script51Agent", []string{
			"version  V50 (OldFileAgent -> ../../bin/Script51Agent)",
			`argv[1]  "o1"`, `argv[2]  "PathName"`, `argv[3]  "1"`, `argv[4]  "` + file + `"`, `argv[5]  "Opts"`,
			"result   exit 100 (offline)", "path=PathName opts=1"}},
		{"no link", "", []string{"version  V50 (default)", `argv[2]  "PathName"`, "result   exit 100 (offline)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfgDir, state := t.TempDir(), t.TempDir()
			agentDir := filepath.Join(cfgDir, "agents", "OldFile")
			if err := os.MkdirAll(agentDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(agentDir, "monitor"), []byte(v40Monitor), 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.link != "" {
				if err := os.Symlink(tc.link, filepath.Join(agentDir, "OldFileAgent")); err != nil {
					t.Fatal(err)
				}
			}
			types := `type OldFile (
	static str ArgList[] = { PathName, Opts }
	str PathName
	str Opts{}
	static boolean AEPTimeout = 1
)
`
			main := `include "oldtypes.cf"
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
OldFile o1 ( PathName = "` + file + `"
	Opts = { k = v } )
`
			for name, body := range map[string]string{"oldtypes.cf": types, "main.cf": main} {
				if err := os.WriteFile(filepath.Join(cfgDir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			stdout, _, code, err := runVigil("ep", "--config", cfgDir, "--state-dir", state, "OldFile", "monitor", "o1")
			if code != 0 {
				t.Fatalf("exit code %d (err %v)\n%s", code, err, stdout)
			}
			out := stdout
			for _, w := range tc.want {
				i := strings.Index(out, w)
				if i < 0 {
					t.Fatalf("stdout lacks %q (in order):\n%s", w, stdout)
				}
				out = out[i+len(w):]
			}
			if tc.link == "/opt/VRTSvcs/bin/ScriptAgent" && strings.Contains(stdout, "AEPTimeout") {
				t.Errorf("V40 argv carries AEPTimeout:\n%s", stdout)
			}
		})
	}
}
