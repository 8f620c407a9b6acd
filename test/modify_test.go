package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestModifyRefusedAsCheck: values `vigil check` refuses in main.cf are
// refused by `vigil res modify` with check's message, and main.cf stays
// byte-identical.
func TestModifyRefusedAsCheck(t *testing.T) {
	n := newNode(t, "modify")
	n.start()
	mainCF := filepath.Join(n.conf, "main.cf")
	before, err := os.ReadFile(mainCF)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		words []string // vigil res modify f1 <words>
		line  string   // the same value written in f1's block
	}{
		{"NumThreads override", []string{"NumThreads", "5"}, "NumThreads = 5"},
		{"int over 32 bits", []string{"MonitorInterval", "2147483648"}, "MonitorInterval = 2147483648"},
		{"negative limit", []string{"RestartLimit", "-1"}, "RestartLimit = -1"},
		{"ManageFaults bogus", []string{"ManageFaults", "bogus"}, "ManageFaults = bogus"},
		{"IMF Mode 9", []string{"IMF", "Mode", "9", "MonitorFreq", "1", "RegisterRetryLimit", "3"},
			"IMF = { Mode = 9, MonitorFreq = 1, RegisterRetryLimit = 3 }"},
		{"MonitorStatsParam Frequency 99", []string{"MonitorStatsParam", "Frequency", "99"},
			"MonitorStatsParam = { Frequency = 99 }"},
		{"AgentDirectory override", []string{"AgentDirectory", "/tmp"}, `AgentDirectory = "/tmp"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// "--" ends the flags, so that a value such as -1 is a value.
			args := append([]string{"res", "modify", "--socket", n.sock, "f1", tc.words[0], "--"}, tc.words[1:]...)
			var serr bytes.Buffer
			c := exec.Command(vigilBin, args...)
			c.Stderr = &serr
			if err := c.Run(); err == nil {
				t.Fatal("vigil res modify accepted it")
			}
			stderr := strings.TrimSpace(serr.String())
			// What check says of the same value in main.cf.
			dir := t.TempDir()
			bad := strings.Replace(string(before), "\t\tPathName =", "\t\t"+tc.line+"\n\t\tPathName =", 1)
			if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte(bad), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(vigilBin, "check", dir).CombinedOutput()
			if err == nil {
				t.Fatalf("vigil check accepts %s", tc.line)
			}
			checkErr := strings.TrimSpace(string(out))
			_, msg, ok := strings.Cut(checkErr, ".cf:")
			if ok {
				_, msg, _ = strings.Cut(msg, ": ") // line:col: message
			}
			if !ok || !strings.Contains(stderr, msg) {
				t.Errorf("modify says %q; check says %q", stderr, checkErr)
			}
			after, err := os.ReadFile(mainCF)
			if err != nil || !bytes.Equal(after, before) {
				t.Errorf("main.cf changed (%v)", err)
			}
		})
	}
}
