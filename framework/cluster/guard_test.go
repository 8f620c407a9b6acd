package cluster

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/vigil-ha/vigil/framework/clock"
)

// guardRig runs RunGuard on a real pipe and records its kills.
type guardRig struct {
	w      *os.File
	kills  chan time.Duration // boottime of each kill
	killed atomic.Int32
	done   chan error
}

func newGuardRig(t *testing.T) *guardRig {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	g := &guardRig{w: w, kills: make(chan time.Duration, 10), done: make(chan error, 1)}
	go func() {
		g.done <- RunGuard(GuardOptions{In: r, Logger: zaptest.NewLogger(t), Kill: func() (int, error) {
			g.killed.Add(1)
			g.kills <- boottime()
			return 3, nil
		}})
		r.Close()
	}()
	t.Cleanup(func() { w.Close() })
	return g
}

func (g *guardRig) say(t *testing.T, msg string) {
	t.Helper()
	if _, err := io.WriteString(g.w, msg); err != nil {
		t.Fatal(err)
	}
}

func (g *guardRig) waitKill(t *testing.T) time.Duration {
	t.Helper()
	select {
	case at := <-g.kills:
		return at
	case <-time.After(20 * time.Second):
		t.Fatal("the guard did not kill")
		return 0
	}
}

func (g *guardRig) waitDone(t *testing.T) error {
	t.Helper()
	select {
	case err := <-g.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("the guard did not return")
		return nil
	}
}

// TestGuardKillsWhenDaemonGone: the pipe closes without "release" (the
// daemon died) → the guard kills and returns.
func TestGuardKillsWhenDaemonGone(t *testing.T) {
	g := newGuardRig(t)
	g.say(t, fmt.Sprintf("until %d\n", boottime()+time.Hour))
	g.w.Close()
	g.waitKill(t)
	if err := g.waitDone(t); err != nil {
		t.Fatalf("RunGuard after EOF: %v", err)
	}
	if n := g.killed.Load(); n != 1 {
		t.Fatalf("%d kills, want 1", n)
	}
}

// TestGuardKillsAtDeadline: a deadline passes with no newer one (the
// daemon hangs) → the guard kills, not before the deadline, and keeps
// running: a later deadline is kept too.
func TestGuardKillsAtDeadline(t *testing.T) {
	g := newGuardRig(t)
	deadline := boottime() + 200*time.Millisecond
	g.say(t, fmt.Sprintf("until %d\n", deadline))
	if at := g.waitKill(t); at < deadline {
		t.Fatalf("killed %s before the deadline", deadline-at)
	}
	deadline = boottime() + 100*time.Millisecond
	g.say(t, fmt.Sprintf("until %d\n", deadline))
	if at := g.waitKill(t); at < deadline {
		t.Fatalf("second kill %s before its deadline", deadline-at)
	}
	g.say(t, "release\n")
	if err := g.waitDone(t); err != nil {
		t.Fatal(err)
	}
}

// TestGuardReleaseAndClear: "clear" drops the deadline and "release" ends
// the guard without a kill; bad lines are ignored.
func TestGuardReleaseAndClear(t *testing.T) {
	g := newGuardRig(t)
	// One write: the guard reads "clear" right after "until", seconds
	// before that deadline.
	g.say(t, fmt.Sprintf("until %d\nclear\nuntil -5\nbogus\nuntil\nrelease now\n", boottime()+5*time.Second))
	g.say(t, "release\n")
	if err := g.waitDone(t); err != nil {
		t.Fatal(err)
	}
	if n := g.killed.Load(); n != 0 {
		t.Fatalf("%d kills after clear and release, want none", n)
	}
}

func TestParseGuard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		verb string
		at   time.Duration
	}{
		{"until 12345", "until", 12345},
		{"clear", "clear", 0},
		{"release", "release", 0},
		{"until 0", "", 0},
		{"until x", "", 0},
		{"clear 1", "", 0},
		{"", "", 0},
		{"kill", "", 0},
	} {
		verb, at, err := parseGuard(tc.in)
		if verb != tc.verb || at != tc.at || (tc.verb == "") != errors.Is(err, ErrGuardMessage) {
			t.Errorf("parseGuard(%q) = %q, %d, %v; want %q, %d", tc.in, verb, at, err, tc.verb, tc.at)
		}
	}
}

// record records what a GuardConn writes.
type record struct {
	strings.Builder
	closed bool
}

func (r *record) Close() error { r.closed = true; return nil }

// TestGuardConn: Until sends the deadline on CLOCK_BOOTTIME once per new
// value and nothing for a time already past; Clear and Release are sent;
// nothing after Release.
func TestGuardConn(t *testing.T) {
	rec := &record{}
	fake := clock.NewFake(time.Unix(1000, 0))
	g := NewGuardConn(rec, fake, nil)
	t0 := boottime()
	g.Until(fake.Now().Add(3 * time.Second))
	g.Until(fake.Now().Add(3 * time.Second)) // same: not sent again
	g.Until(fake.Now().Add(-time.Second))    // past: not sent
	g.Clear()
	g.Release()
	g.Until(fake.Now().Add(time.Hour)) // after Release: nothing
	lines := strings.Split(strings.TrimSpace(rec.String()), "\n")
	if len(lines) != 3 || lines[1] != "clear" || lines[2] != "release" || !rec.closed {
		t.Fatalf("sent %q (closed %v)", lines, rec.closed)
	}
	verb, at, err := parseGuard(lines[0])
	if err != nil || verb != "until" {
		t.Fatalf("first line %q: %v", lines[0], err)
	}
	if left := at - t0; left < 2*time.Second || left > 3*time.Second+time.Minute {
		t.Fatalf("deadline %s after the boot clock of the call, want about 3s", left)
	}
}
