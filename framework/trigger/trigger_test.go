package trigger

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/runner"
)

func TestMap(t *testing.T) {
	tests := []struct {
		name string
		ev   events.Event
		want string
	}{
		{"state change", events.Event{Kind: events.KindState, Resource: "r", From: "OFFLINE", To: "ONLINE"},
			"resstatechange n1 r OFFLINE ONLINE"},
		{"probe without change", events.Event{Kind: events.KindState, Resource: "r", From: "", To: "ONLINE"}, ""},
		{"flags only", events.Event{Kind: events.KindState, Resource: "r", From: "OFFLINE", To: "OFFLINE|WAITING_TO_ONLINE"}, ""},
		{"flags dropped", events.Event{Kind: events.KindState, Resource: "r", From: "OFFLINE|WAITING_TO_ONLINE", To: "ONLINE"},
			"resstatechange n1 r OFFLINE ONLINE"},
		{"restart", events.Event{Kind: events.KindRestart, Resource: "r"}, "resrestart n1 r"},
		{"not off", events.Event{Kind: events.KindOfflineFailed, Resource: "r"}, "resnotoff n1 r"},
		{"stats without figures", events.Event{Kind: events.KindStatsGradual, Resource: "r", Detail: "avg 12"}, "monitortimechange n1 r avg 12"},
		{"stats sudden", events.Event{Kind: events.KindStatsSudden, Resource: "r", Stats: &events.StatsChange{Change: "sudden",
			ValueMs: 412.4, ReferenceMs: 100, Threshold: 100, Count: 1, MaxMs: 412.4, MeanMs: 412.4, Run: 1}},
			"monitortimechange n1 r sudden 412 100 100 1 412 412"},
		{"stats gradual", events.Event{Kind: events.KindStatsGradual, Resource: "r", Stats: &events.StatsChange{Change: "gradual",
			ValueMs: 166.67, ReferenceMs: 50.2, Threshold: 40, Count: 3, MaxMs: 400, MeanMs: 166.67}},
			"monitortimechange n1 r gradual 167 50 40 3 400 167"},
		{"unrelated", events.Event{Kind: events.KindRequest, Resource: "r"}, ""},
		{"group online", events.Event{Kind: events.KindGroupState, Group: "g", From: "PARTIAL", To: "ONLINE"}, "postonline n1 g"},
		{"group offline", events.Event{Kind: events.KindGroupState, Group: "g", From: "ONLINE", To: "OFFLINE"}, "postoffline n1 g"},
		{"group probed offline", events.Event{Kind: events.KindGroupState, Group: "g", From: "UNKNOWN", To: "OFFLINE"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Options{System: "n1"})
			var got []string
			for _, c := range r.Map(tc.ev) {
				got = append(got, c.Name+" "+strings.Join(c.Args, " "))
			}
			if strings.Join(got, ";") != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestFaultNamesPreviousState: resfault names the last steady state before
// the fault, whatever the resource passed through on its way to FAULTED.
func TestFaultNamesPreviousState(t *testing.T) {
	cases := []struct {
		name  string
		steps [][2]string // From, To of the state events before the fault
		want  string
	}{
		{"straight", [][2]string{{"OFFLINE", "ONLINE"}, {"ONLINE", "FAULTED"}}, "n1 r ONLINE"},
		{"through cleaning", [][2]string{{"OFFLINE|WAITING_TO_ONLINE", "ONLINE"}, {"ONLINE", "OFFLINE|CLEANING"},
			{"OFFLINE|CLEANING", "FAULTED"}}, "n1 r ONLINE"},
		{"offline before", [][2]string{{"UNKNOWN|PROBING", "OFFLINE"}, {"OFFLINE", "FAULTED"}}, "n1 r OFFLINE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Options{System: "n1"})
			for _, s := range tc.steps {
				r.Map(events.Event{Kind: events.KindState, Resource: "r", From: s[0], To: s[1]})
			}
			c := r.Map(events.Event{Kind: events.KindFault, Resource: "r"})
			if len(c) != 1 || strings.Join(c[0].Args, " ") != tc.want {
				t.Fatalf("calls = %+v, want %q", c, tc.want)
			}
		})
	}
}

// TestRealTrigger runs real trigger scripts through Runner.RunCommand: one
// that records its argv, and one that hangs and must be killed.
func TestRealTrigger(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("resrestart", `echo "$@" > `+out+"\n")
	write("resnotoff", "sleep 30\n")
	var evs []events.Event
	rn := runner.New(runner.Options{})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := rn.Drain(ctx); err != nil {
			t.Errorf("drain: %v", err)
		}
		rn.Close()
	})
	r := New(Options{Dir: dir, System: "n1", Timeout: 200 * time.Millisecond,
		Run: func(ctx context.Context, path string, args []string, d time.Duration) ep.Result {
			return rn.RunCommand(ctx, path, args, runner.RunOptions{Timeout: d, Env: []string{"PATH=/usr/bin:/bin"},
				KillGrace: 100 * time.Millisecond})
		},
		Publish: func(e events.Event) events.Event { evs = append(evs, e); return e }})
	tests := []struct {
		name    string
		ev      events.Event
		wantRes string
	}{
		{"records argv", events.Event{Kind: events.KindRestart, Resource: "web1"}, "exited 0"},
		{"times out", events.Event{Kind: events.KindOfflineFailed, Resource: "web1"}, "timed out"},
		{"missing trigger", events.Event{Kind: events.KindFault, Resource: "web1"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs = nil
			start := time.Now()
			r.Handle(context.Background(), tc.ev)
			if time.Since(start) > 5*time.Second {
				t.Fatal("trigger was not killed at its timeout")
			}
			if tc.wantRes == "" {
				if len(evs) != 0 {
					t.Fatalf("missing trigger ran: %+v", evs)
				}
				return
			}
			if len(evs) != 1 || !strings.HasSuffix(evs[0].Detail, tc.wantRes) {
				t.Fatalf("events = %+v, want result %q", evs, tc.wantRes)
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.TrimSpace(string(b)) != "n1 web1" {
		t.Fatalf("argv file = %q, %v", b, err)
	}
}
