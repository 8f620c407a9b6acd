package main

import (
	"strings"
	"testing"
)

func TestCheckCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring
		wantStderr string // exact
	}{
		{"valid directory is silent", []string{"check", "../../testdata/config/example"}, 0, "", ""},
		{"invalid file lists every error", []string{"check", "../../testdata/config/invalid/boolean-not-0-1.cf"}, 1, "",
			"../../testdata/config/invalid/boolean-not-0-1.cf:8:3: attribute Critical of resource p1: \"2\" is not a boolean (0 or 1)\n" +
				"../../testdata/config/invalid/boolean-not-0-1.cf:9:3: attribute Enabled of resource p1: \"yes\" is not a boolean (0 or 1)\n"},
		{"print resolved types", []string{"check", "--print", "../../testdata/config/example"}, 0,
			"type Process (\n\tstatic boolean AEPTimeout = 0\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code, err := runVigil(tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d (err %v)", code, tc.wantCode, err)
			}
			if !strings.Contains(stdout, tc.wantStdout) || tc.wantStdout == "" && stdout != "" {
				t.Errorf("stdout %q, want it to contain %q", stdout, tc.wantStdout)
			}
			if stderr != tc.wantStderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tc.wantStderr)
			}
		})
	}
}
