package resstate

import (
	"os"
	"strings"
	"testing"
)

const docPath = "../../docs/state-machine.md"

// tableMarkdown renders the transition table as docs/state-machine.md
// carries it between its markers.
func tableMarkdown() string {
	var b strings.Builder
	b.WriteString("| State | Event | May lead to |\n|---|---|---|\n")
	for _, t := range Transitions() {
		var to []string
		for _, s := range t.To {
			to = append(to, s.String())
		}
		b.WriteString("| " + t.From.String() + " | " + t.Event.String() + " | " + strings.Join(to, ", ") + " |\n")
	}
	return b.String()
}

const beginMark, endMark = "<!-- table:begin -->\n", "<!-- table:end -->"

// TestDocTable keeps the table in docs/state-machine.md equal to the code's
// (rewritten with -update).
func TestDocTable(t *testing.T) {
	data, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		t.Fatalf("%s has no table markers", docPath)
	}
	want := doc[:i+len(beginMark)] + tableMarkdown() + doc[j:]
	if *update {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("the transition table in %s is out of date; run go test ./framework/resstate -update", docPath)
	}
}
