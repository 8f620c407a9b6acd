package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEPCommand runs bundled and custom script agents through `vigil ep`.
func TestEPCommand(t *testing.T) {
	cfgDir := t.TempDir()
	state := t.TempDir()
	file := filepath.Join(t.TempDir(), "f $x `y`")
	main := `include "types.cf"
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
FileOnOff f1 ( PathName = "` + file + `" )
`
	if err := os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // substrings of stdout, in order
	}{
		{"monitor offline", []string{"FileOnOff", "monitor", "f1"}, 0,
			[]string{`argv[1]  "f1"`, `argv[2]  "PathName"`, `argv[4]  "` + file + `"`, "result   exit 100 (offline)"}},
		{"online", []string{"FileOnOff", "online", "f1"}, 0,
			[]string{"result   exit 0 (run monitor after 0 s)", "VCS NOTICE V-16-10000-1003 FileOnOff:f1:online:Created file " + file}},
		{"monitor online", []string{"FileOnOff", "monitor", "f1"}, 0, []string{"result   exit 110 (online, confidence 100)"}},
		{"clean with reason", []string{"FileOnOff", "clean", "f1", "4"}, 0, []string{`argv[2]  "4"`, "result   exit 0 (success)"}},
		{"monitor offline again", []string{"FileOnOff", "monitor", "f1"}, 0, []string{"exit 100 (offline)"}},
		{"wrong type", []string{"FileNone", "monitor", "f1"}, 1, nil},
		{"unknown resource", []string{"FileOnOff", "monitor", "nope"}, 1, nil},
		{"unknown entry point", []string{"FileOnOff", "frob", "f1"}, 1, nil},
		{"optional entry point absent", []string{"FileOnOff", "info", "f1"}, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, _, code, err := runVigil(append([]string{"ep", "--config", cfgDir, "--state-dir", state}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit code %d, want %d (err %v)\n%s", code, tc.wantCode, err, stdout)
			}
			out := stdout
			for _, w := range tc.want {
				i := strings.Index(out, w)
				if i < 0 {
					t.Fatalf("stdout lacks %q:\n%s", w, stdout)
				}
				out = out[i+len(w):]
			}
		})
	}
}
