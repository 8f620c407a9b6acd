package events

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestRecent(t *testing.T) {
	tests := []struct {
		name      string
		history   int
		published int
		ask       int
		wantFirst uint64
		wantLen   int
	}{
		{"empty", 4, 0, 10, 0, 0},
		{"partial", 4, 3, 10, 1, 3},
		{"wrapped", 4, 10, 10, 7, 4},
		{"limited", 4, 10, 2, 9, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBus(tc.history)
			for i := 0; i < tc.published; i++ {
				b.Publish(Event{Kind: KindState})
			}
			got := b.Recent(tc.ask)
			if len(got) != tc.wantLen {
				t.Fatalf("len = %d, want %d", len(got), tc.wantLen)
			}
			if tc.wantLen > 0 && got[0].Seq != tc.wantFirst {
				t.Fatalf("first seq = %d, want %d", got[0].Seq, tc.wantFirst)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Seq != got[i-1].Seq+1 {
					t.Fatalf("not in order: %v", got)
				}
			}
		})
	}
}

func TestSubscribe(t *testing.T) {
	tests := []struct {
		name        string
		size        int
		publish     int
		wantDropped bool
	}{
		{"fits", 4, 3, false},
		{"overflows", 2, 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBus(8)
			s := b.Subscribe(tc.size, false)
			for i := 0; i < tc.publish; i++ {
				b.Publish(Event{Kind: KindFault, Resource: "r"})
			}
			if s.Dropped() != tc.wantDropped {
				t.Fatalf("dropped = %v, want %v", s.Dropped(), tc.wantDropped)
			}
			s.Cancel()
			s.Cancel()
			n := 0
			for range s.C {
				n++
			}
			if !tc.wantDropped && n != tc.publish {
				t.Fatalf("received %d, want %d", n, tc.publish)
			}
		})
	}
}

func TestReplayAndClose(t *testing.T) {
	b := NewBus(8)
	b.Publish(Event{Kind: "a"})
	b.Publish(Event{Kind: "b"})
	s := b.Subscribe(8, true)
	b.Publish(Event{Kind: "c"})
	b.Close()
	var kinds []string
	for e := range s.C {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, ","); got != "a,b,c" {
		t.Fatalf("kinds = %q, want a,b,c", got)
	}
	if e := b.Publish(Event{Kind: "d"}); e.Seq != 0 {
		t.Fatalf("publish after close got seq %d", e.Seq)
	}
}

func TestJSON(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	e := Event{Seq: 7, Time: ts, Kind: KindState, Resource: "web1", Type: "Process", Group: "g",
		From: "OFFLINE", To: "ONLINE", Cause: "online"}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"time":"2026-01-02T03:04:05.123456789Z"`) {
		t.Fatalf("time not RFC 3339 nano: %s", b)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Time.Equal(ts) || back.Resource != "web1" || back.Seq != 7 {
		t.Fatalf("round trip = %+v", back)
	}
	if err := json.Unmarshal([]byte(`{"time":"yesterday"}`), &back); err == nil {
		t.Fatal("bad time accepted")
	}
}
