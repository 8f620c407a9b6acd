package runner_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/runner"
)

// TestAgentVersion checks how an agent directory reveals its registration
// version: the <Type>Agent symlink (absolute, relative, chained, dangling),
// a file named after a stock binary, and the V50 default.
func TestAgentVersion(t *testing.T) {
	type entry struct{ name, link string } // link "" = plain file
	tests := []struct {
		name    string
		entries []entry
		want    arglist.Version
		source  string
	}{
		{"nothing", nil, arglist.V50, ""},
		{"link to ScriptAgent", []entry{{"WebAgent", "/opt/VRTSvcs/bin/ScriptAgent"}},
			arglist.V40, "WebAgent -> /opt/VRTSvcs/bin/ScriptAgent"},
		{"relative link to Script50Agent", []entry{{"WebAgent", "../bin/Script50Agent"}},
			arglist.V50, "WebAgent -> ../bin/Script50Agent"},
		{"link to Script51Agent", []entry{{"WebAgent", "/opt/VRTSvcs/bin/Script51Agent"}},
			arglist.V50, "WebAgent -> /opt/VRTSvcs/bin/Script51Agent"},
		{"link to a newer stock binary", []entry{{"WebAgent", "/opt/VRTSvcs/bin/Script80Agent"}},
			arglist.V50, "WebAgent -> /opt/VRTSvcs/bin/Script80Agent"},
		{"chain to ScriptAgent", []entry{{"WebAgent", "stock"}, {"stock", "/opt/VRTSvcs/bin/ScriptAgent"}},
			arglist.V40, "WebAgent -> /opt/VRTSvcs/bin/ScriptAgent"},
		{"link to a compiled agent", []entry{{"WebAgent", "/usr/bin/true"}}, arglist.V50, ""},
		{"plain <Type>Agent file", []entry{{"WebAgent", ""}}, arglist.V50, ""},
		{"link loop", []entry{{"WebAgent", "a"}, {"a", "WebAgent"}}, arglist.V50, ""},
		{"ScriptAgent file in the directory", []entry{{"ScriptAgent", ""}}, arglist.V40, "ScriptAgent"},
		{"several stock files: the newest", []entry{{"ScriptAgent", ""}, {"Script51Agent", ""}},
			arglist.V50, "Script51Agent"},
		{"the link wins over a stock file", []entry{{"WebAgent", "ScriptAgent"}, {"Script51Agent", ""}},
			arglist.V40, "WebAgent -> ScriptAgent"},
		{"another type's link", []entry{{"DbAgent", "/opt/VRTSvcs/bin/ScriptAgent"}}, arglist.V50, ""},
		{"names that are not stock binaries", []entry{{"MyScriptAgent", ""}, {"ScriptAgent.bak", ""}},
			arglist.V50, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, e := range tc.entries {
				p := filepath.Join(dir, e.name)
				var err error
				if e.link == "" {
					err = os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
				} else {
					err = os.Symlink(e.link, p)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			v, src := runner.AgentVersion(dir, "Web")
			if v != tc.want || src != tc.source {
				t.Errorf("AgentVersion = %s %q, want %s %q", v, src, tc.want, tc.source)
			}
		})
	}
}

// TestScriptVersion checks that NewScript learns the version from the
// directory unless ScriptOptions.Version sets it.
func TestScriptVersion(t *testing.T) {
	tests := []struct {
		name   string
		link   bool
		option arglist.Version
		want   arglist.Version
	}{
		{"default", false, 0, arglist.V50},
		{"from the directory", true, 0, arglist.V40},
		{"option wins", true, arglist.V51, arglist.V51},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeScript(t, dir, "monitor", "/bin/sh", "exit 110\n")
			if tc.link {
				if err := os.Symlink("/opt/VRTSvcs/bin/ScriptAgent", filepath.Join(dir, "WebAgent")); err != nil {
					t.Fatal(err)
				}
			}
			s, err := runner.NewScript(runner.ScriptOptions{Runner: testRunner, TypeName: "Web", AgentDir: dir, Version: tc.option})
			if err != nil {
				t.Fatal(err)
			}
			if s.Version() != tc.want {
				t.Errorf("Version() = %s (%q), want %s", s.Version(), s.VersionSource(), tc.want)
			}
		})
	}
}
