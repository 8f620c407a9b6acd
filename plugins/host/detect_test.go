package host_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/host"
)

func TestParseAgentType(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		want      host.AgentType
		err       string
	}{
		{"binary", `<agent name="T"><agenttype>Binary</agenttype></agent>`, host.Binary, ""},
		{"mixed, spaced", "<agent name=\"T\"><agenttype>\n Mixed \n</agenttype></agent>", host.Mixed, ""},
		{"script", `<agent name="T"><agenttype>Script</agenttype></agent>`, host.Script, ""},
		{"missing is script", `<agent name="T"><vendor>x</vendor></agent>`, host.Script, ""},
		{"unknown type", `<agent name="T"><agenttype>Compiled</agenttype></agent>`, "", `agenttype "Compiled"`},
		{"wrong root", `<agents/>`, "", "root element"},
		{"not xml", `<agent><agenttype>Binary</agent>`, "", "bad agent information file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := host.ParseAgentType(strings.NewReader(tc.xml))
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case got != tc.want:
				t.Fatalf("agenttype %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	typ := &model.Type{Name: "T"}
	link := func(dir string) {
		b, _ := os.ReadFile(bins["fileonoff"])
		os.WriteFile(filepath.Join(dir, "TAgent"), b, 0o755)
	}
	info := func(dir, kind string) {
		os.WriteFile(filepath.Join(dir, "T.xml"), []byte("<agent><agenttype>"+kind+"</agenttype></agent>"), 0o644)
	}
	for _, tc := range []struct {
		name  string
		setup func(dir string)
		want  host.AgentType
		err   error
	}{
		{"plugin binary alone is mixed", link, host.Mixed, nil},
		{"binary by xml", func(d string) { link(d); info(d, "Binary") }, host.Binary, nil},
		{"script by xml", func(d string) { link(d); info(d, "Script") }, "", host.ErrNotPlugin},
		{"no binary", func(string) {}, "", host.ErrNotPlugin},
		{"ScriptAgent symlink is not a plugin", func(d string) { os.Symlink("/bin/true", filepath.Join(d, "TAgent")) }, "", host.ErrNotPlugin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(dir)
			plan, err := host.Detect(typ, dir)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Detect: %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || plan.Type != tc.want || plan.Binary != filepath.Join(dir, "TAgent") {
				t.Fatalf("Detect: %+v, %v; want %s with %s/TAgent", plan, err, tc.want, dir)
			}
		})
	}
	t.Run("Binary xml without binary names the file", func(t *testing.T) {
		dir := t.TempDir()
		info(dir, "Binary")
		_, err := host.Detect(typ, dir)
		if err == nil || errors.Is(err, host.ErrNotPlugin) || !strings.Contains(err.Error(), "T.xml") {
			t.Fatalf("Detect: %v, want an error naming T.xml", err)
		}
	})
}
