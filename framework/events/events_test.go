package events

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
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
			b := NewBus(tc.history, nil)
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
			b := NewBus(8, nil)
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
	b := NewBus(8, nil)
	b.Publish(Event{Kind: "a"})
	b.Publish(Event{Kind: "b"})
	s := b.Subscribe(8, true)
	b.Publish(Event{Kind: "c"})
	b.Close()
	var kinds []string
	for e := range s.C {
		kinds = append(kinds, string(e.Kind))
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

// TestFollowRecoversAndCounts: a subscriber that falls behind is dropped by
// the bus, and Follow resubscribes it, recovering what the history still
// holds and reporting the rest as lost.
func TestFollowRecoversAndCounts(t *testing.T) {
	cases := []struct {
		name      string
		history   int
		published int
		wantLost  uint64
	}{
		{"history holds every missed event", 64, 40, 0},
		{"history too short", 8, 40, 40 - 2 - 8}, // 1 being handled, 1 buffered, 8 replayed
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBus(tc.history, nil)
			var mu sync.Mutex
			var got []uint64
			var lost uint64
			block := make(chan struct{})
			first := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				b.Follow(context.Background(), 1, func(e Event) {
					if e.Seq == 1 {
						close(first)
						<-block // fall behind while the rest is published
					}
					mu.Lock()
					got = append(got, e.Seq)
					mu.Unlock()
				}, func(n uint64) { mu.Lock(); lost += n; mu.Unlock() })
			}()
			waitSubscribed(t, b)
			b.Publish(Event{Kind: KindInfo})
			<-first
			for i := 1; i < tc.published; i++ {
				b.Publish(Event{Kind: KindInfo})
			}
			close(block)
			for end := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
				mu.Lock()
				n := uint64(len(got)) + lost
				mu.Unlock()
				if n == uint64(tc.published) {
					break
				}
				if time.Now().After(end) {
					t.Fatalf("seen %d + lost %d of %d events", len(got), lost, tc.published)
				}
			}
			b.Close()
			<-done
			mu.Lock()
			defer mu.Unlock()
			if lost != tc.wantLost {
				t.Errorf("lost = %d, want %d", lost, tc.wantLost)
			}
			for i := 1; i < len(got); i++ {
				if got[i] <= got[i-1] {
					t.Fatalf("out of order: %v", got)
				}
			}
		})
	}
}

// waitSubscribed waits until the bus has a subscriber.
func waitSubscribed(t *testing.T, b *Bus) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		n := len(b.subs)
		b.mu.Unlock()
		if n > 0 {
			return
		}
	}
	t.Fatal("no subscriber")
}

func TestPublishStampsTime(t *testing.T) {
	clk := clock.NewFake(time.Unix(1234, 5))
	b := NewBus(4, clk)
	if e := b.Publish(Event{Kind: KindTrigger}); !e.Time.Equal(time.Unix(1234, 5)) {
		t.Fatalf("time = %v", e.Time)
	}
	at := time.Unix(99, 0)
	if e := b.Publish(Event{Kind: KindTrigger, Time: at}); !e.Time.Equal(at) {
		t.Fatalf("time overwritten: %v", e.Time)
	}
}

func TestKindsSortedAndUnique(t *testing.T) {
	all := AllKinds()
	for i := 1; i < len(all); i++ {
		if all[i] <= all[i-1] {
			t.Fatalf("AllKinds not sorted or has a duplicate at %q", all[i])
		}
	}
}
