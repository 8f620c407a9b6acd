package agent

import "testing"

// TestMonitorsFirst: with thousands of onlines waiting for a worker, a
// monitor queued after them is the next job taken.
func TestMonitorsFirst(t *testing.T) {
	var q readyQueues
	for i := range 5000 {
		q.push(&resource{name: "on" + string(rune('a'+i%26)), queue: []*job{{kind: jobEvent}}})
	}
	mon := &resource{name: "watched", queue: []*job{{kind: jobMonitor}}}
	q.push(mon)
	if got := q.pop(); got != mon {
		t.Fatalf("next job is of %s, want the monitor of %s", got.name, mon.name)
	}
	if q.len() != 5000 {
		t.Fatalf("len = %d, want 5000", q.len())
	}
	for q.len() > 0 {
		if r := q.pop(); r.queue[0].kind != jobEvent {
			t.Fatalf("unexpected job kind %v", r.queue[0].kind)
		}
	}
}
