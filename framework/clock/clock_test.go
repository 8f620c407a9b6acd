package clock

import (
	"reflect"
	"testing"
	"time"
)

func TestFakeAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		advance time.Duration
		want    []string
		pending int
	}{
		{"nothing due", time.Second, nil, 3},
		{"time order, ties in creation order", 3 * time.Second, []string{"a@2s", "b@2s", "c@3s"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewFake(start)
			var got []string
			at := func(name string) func() {
				return func() { got = append(got, name+"@"+c.Now().Sub(start).String()) }
			}
			c.AfterFunc(3*time.Second, at("c"))
			c.AfterFunc(2*time.Second, at("a"))
			c.AfterFunc(2*time.Second, at("b"))
			c.Advance(tc.advance)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("fired %q, want %q", got, tc.want)
			}
			if p := c.Pending(); p != tc.pending {
				t.Fatalf("pending = %d, want %d", p, tc.pending)
			}
			if now := c.Now().Sub(start); now != tc.advance {
				t.Fatalf("now = %v, want %v", now, tc.advance)
			}
		})
	}
}

func TestFakeStopAndChained(t *testing.T) {
	c := NewFake(time.Unix(0, 0))
	fired := 0
	stopped := c.AfterFunc(time.Second, func() { fired += 100 })
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	if stopped.Stop() {
		t.Fatal("second Stop reported true")
	}
	// A timer armed by a callback fires within the same Advance when due.
	c.AfterFunc(time.Second, func() { fired++; c.AfterFunc(time.Second, func() { fired++ }) })
	ch := c.After(1500 * time.Millisecond)
	c.Advance(2 * time.Second)
	if fired != 2 {
		t.Fatalf("fired = %d, want 2 (stopped timer must not fire; chained one must)", fired)
	}
	select {
	case <-ch:
	default:
		t.Fatal("After channel did not receive")
	}
}
