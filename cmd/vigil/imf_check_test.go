package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckDescriptor: vigil check validates the amfregister.xml of an
// agent directory, with file:line diagnostics, and accepts a good one.
func TestCheckDescriptor(t *testing.T) {
	dir := t.TempDir()
	must := func(p, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must(filepath.Join(dir, "main.cf"), "type Web (\n\tstatic str ArgList[] = { Root }\n\tstr Root\n)\n\n"+
		"group g (\n\tSystemList = { s1 = 0 }\n)\n\n\tWeb w1 (\n\t\tRoot = \"/srv\"\n\t)\n")
	xml := filepath.Join(dir, "agents", "Web", "amfregister.xml")
	must(xml, "<xml>\n<Register>\n<RegType>PRON</RegType>\n<ProcPattern>/bin/web ${Root} ${Port}</ProcPattern>\n"+
		"<Color>red</Color>\n</Register>\n<Register><RegType>PRBAD</RegType></Register>\n</xml>\n")
	_, stderr, code, _ := runVigil("check", dir)
	want := []string{
		xml + ":5:1: unknown tag <Color> in a PRON block",
		xml + `:7:1: unknown RegType "PRBAD"`,
	}
	for _, w := range want {
		if code != 1 || !strings.Contains(stderr, w) {
			t.Errorf("exit %d, stderr:\n%s\nwant %q", code, stderr, w)
		}
	}
	must(xml, "<xml>\n<Register>\n<RegType>PRON</RegType>\n<ProcPattern>/bin/web ${Root} ${Port}</ProcPattern>\n</Register>\n</xml>\n")
	_, stderr, code, _ = runVigil("check", dir)
	if code != 1 || !strings.Contains(stderr, xml+":4:1: <ProcPattern>: ${Port}: type Web has no attribute Port") {
		t.Errorf("unknown attribute: exit %d, stderr:\n%s", code, stderr)
	}
	must(xml, "<xml>\n<Register>\n<RegType>PRON</RegType>\n<ProcPattern>/bin/web ${Root}</ProcPattern>\n</Register>\n</xml>\n")
	if out, stderr, code, _ := runVigil("check", dir); code != 0 || out != "" || stderr != "" {
		t.Errorf("good descriptor: exit %d, %q %q", code, out, stderr)
	}
}
