package agentlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLetterRotation(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		keep   int
		want   map[string]string // file → content; absent files listed with ""
	}{
		{"fits in A", []string{"aaaa\n", "bbbb\n"}, 2,
			map[string]string{"e_A.log": "aaaa\nbbbb\n", "e_B.log": ""}},
		{"one rotation", []string{"aaaaaaa\n", "bbbbbbb\n"}, 2,
			map[string]string{"e_A.log": "bbbbbbb\n", "e_B.log": "aaaaaaa\n", "e_C.log": ""}},
		{"oldest beyond keep is dropped", []string{"1111111\n", "2222222\n", "3333333\n", "4444444\n"}, 2,
			map[string]string{"e_A.log": "4444444\n", "e_B.log": "3333333\n", "e_C.log": "2222222\n", "e_D.log": ""}},
		{"a line longer than the limit still goes whole into a fresh A", []string{"x\n", strings.Repeat("y", 30) + "\n"}, 1,
			map[string]string{"e_A.log": strings.Repeat("y", 30) + "\n", "e_B.log": "x\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l, err := openLetterFile(dir, "e_A.log", 12, tc.keep)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.writes {
				if _, err := l.Write([]byte(w)); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			for name, want := range tc.want {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if want == "" {
					if !os.IsNotExist(err) {
						t.Errorf("%s exists (%q), want none", name, b)
					}
					continue
				}
				if err != nil || string(b) != want {
					t.Errorf("%s = %q (%v), want %q", name, b, err, want)
				}
			}
		})
	}
}

func TestLetterFileAppendsAndRejectsBadNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "e_A.log"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := openLetterFile(dir, "e_A.log", 1<<20, 5)
	if err != nil {
		t.Fatal(err)
	}
	l.Write([]byte("new\n"))
	l.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "e_A.log")); string(b) != "old\nnew\n" {
		t.Fatalf("reopened log = %q, want the old content kept and appended to", b)
	}
	if _, err := l.Write([]byte("x")); err == nil {
		t.Fatal("write after Close succeeded")
	}
	if _, err := openLetterFile(dir, "engine.log", 1, 1); err == nil {
		t.Fatal("a name without _A.log was accepted")
	}
}

// TestRotationFailureReported: when the rotation cannot rename (here _B is
// a non-empty directory), logging goes on in _A and the file says why,
// instead of every later write failing.
func TestRotationFailureReported(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "engine_B.log", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	log, c, err := Open(Options{Dir: dir, MaxSizeMB: 1, MaxBackups: 1}, "engine_A.log", CategoryEngine)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 1000)
	for range 1100 { // past 1 MiB
		log.Info(line)
	}
	log.Info("after the failed rotation")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "engine_A.log"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, "VCS ERROR V-16-1-"+MsgRotationFailed+" log rotation of ") {
		t.Errorf("engine_A.log does not report the failed rotation")
	}
	if !strings.HasSuffix(s, "after the failed rotation\n") {
		t.Errorf("engine_A.log lost the lines after the failed rotation; ends with %q", s[max(0, len(s)-80):])
	}
	if n := strings.Count(s, MsgRotationFailed); n != 1 {
		t.Errorf("rotation failure reported %d times, want once per max bytes", n)
	}
}
