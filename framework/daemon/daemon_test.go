package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
)

// recordEP is an entry point that records its argv and environment into
// $OUT (set by the test through the type's agent directory's wrapper) and
// reports the resource offline.
const recordEP = `#!/bin/sh
out="$(dirname "$0")/../../out"
mkdir -p "$out"
n="$1.$$"
{
	for a in "$@"; do printf 'argv %s\n' "$a"; done
	env | LC_ALL=C sort | sed 's/^/env /'
} >"$out/$n"
exit 100
`

// fixture writes a configuration with one type whose ArgList has a
// Ref:Attr entry and whose agent directory records every monitor.
func fixture(t *testing.T) (cfgDir string) {
	t.Helper()
	cfgDir = t.TempDir()
	mainCF := `include "types.cf"

type Rec (
	static str ArgList[] = { Path, "Peer:Path" }
	str Path
	str Peer
)

group g (
	SystemList = { n1 = 0 }
	AutoStartList = { n1 }
	)

	Rec r1 (
		Path = "/srv/one two"
		Peer = r2
		)

	Rec r2 (
		Path = "/srv/$HOME"
		)
`
	if err := os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte(mainCF), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cfgDir, "agents", "Rec")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "monitor"), []byte(recordEP), 0o755); err != nil {
		t.Fatal(err)
	}
	return cfgDir
}

// settings returns daemon settings with every path under the test's
// temporary directory.
func settings(t *testing.T, cfgDir, state string) Settings {
	tmp := t.TempDir()
	return Settings{Config: cfgDir, Socket: filepath.Join(tmp, "vigil.sock"), StateDir: state,
		LogDir: filepath.Join(tmp, "log"), System: "n1", StopTimeout: 30 * time.Second, Stderr: io.Discard}
}

// records returns the lines of the recorded run of r1 among those in
// <cfgDir>/out, and removes them.
func records(t *testing.T, cfgDir string) []string {
	t.Helper()
	out := filepath.Join(cfgDir, "out")
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(string(b), "argv r1\n") && found == nil {
			found = keep(strings.Split(strings.TrimSpace(string(b)), "\n"))
		}
	}
	os.RemoveAll(out)
	if found == nil {
		t.Fatal("no recorded monitor of r1")
	}
	return found
}

// keep drops what differs by design from one run to the next: the marker
// of the run.
func keep(lines []string) []string {
	var out []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "env VIGIL_RUN_ID=") {
			out = append(out, l)
		}
	}
	return out
}

// TestEPMatchesDaemon runs the same monitor through the daemon (started
// in-process) and through `vigil ep` (RunEP) and compares the argv and the
// environment the script saw.
func TestEPMatchesDaemon(t *testing.T) {
	cfgDir := fixture(t)
	state := t.TempDir()
	d, err := New(settings(t, cfgDir, state))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	select {
	case <-d.Ready():
	case err := <-done:
		t.Fatalf("daemon ended before it was ready: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("daemon not ready after 60 s")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("daemon: %v", err)
	}
	fromDaemon := records(t, cfgDir)

	rep, err := RunEP(context.Background(), EPOptions{Config: cfgDir, StateDir: state}, "Rec", ep.Monitor, "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.Outcome != ep.Exited || rep.Result.ExitCode != 100 {
		t.Fatalf("vigil ep: %s exit %d", rep.Result.Outcome, rep.Result.ExitCode)
	}
	fromEP := records(t, cfgDir)

	want := []string{"argv r1", "argv Path", "argv 1", "argv /srv/one two", "argv Peer:Path", "argv 1", "argv /srv/$HOME"}
	for i, w := range want {
		if i >= len(fromDaemon) || fromDaemon[i] != w {
			t.Fatalf("daemon argv[%d] = %q, want %q (all: %q)", i, at(fromDaemon, i), w, fromDaemon)
		}
	}
	if strings.Join(fromDaemon, "\n") != strings.Join(fromEP, "\n") {
		t.Fatalf("the entry point saw different argv or environment:\ndaemon:\n%s\nvigil ep:\n%s",
			strings.Join(fromDaemon, "\n"), strings.Join(fromEP, "\n"))
	}
	for _, v := range []string{"env VCSAG_LOGDBG=", "env VCSAG_MONITOR_COUNT=1", "env VCSAG_ENTRY_POINT=monitor"} {
		if !contains(fromDaemon, v) {
			t.Errorf("environment lacks %q", v)
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<none>"
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

// TestStateDirLocked: a second daemon on the same state directory refuses
// to start and names the PID holding it; once the first is gone, it starts.
func TestStateDirLocked(t *testing.T) {
	cfgDir := fixture(t)
	state := t.TempDir()
	first, err := New(settings(t, cfgDir, state))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(settings(t, cfgDir, state))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second daemon: err = %v, want ErrLocked", err)
	}
	if pid := fmt.Sprintf("pid %d", os.Getpid()); !strings.Contains(err.Error(), pid) {
		t.Fatalf("error %q does not name the holder (%s)", err, pid)
	}
	b, _ := os.ReadFile(filepath.Join(state, lockFile))
	if strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q", b)
	}
	first.Close()
	again, err := New(settings(t, cfgDir, state))
	if err != nil {
		t.Fatalf("after the first daemon closed: %v", err)
	}
	again.Close()
}

// TestBadConfigRefused: a configuration with errors gives them all and
// takes no lock.
func TestBadConfigRefused(t *testing.T) {
	cfgDir := t.TempDir()
	os.WriteFile(filepath.Join(cfgDir, "main.cf"), []byte("group g (\n)\n\tNope r (\n\t)\n"), 0o644)
	state := t.TempDir()
	if _, err := New(settings(t, cfgDir, state)); err == nil {
		t.Fatal("a bad configuration was accepted")
	}
	if _, err := os.Stat(filepath.Join(state, lockFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after a refused start: %v", err)
	}
}
