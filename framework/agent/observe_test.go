package agent

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
)

// TestObserveQueueTime: every run the Observe hook sees carries the time of
// its own request — an online the time the engine asked for it, a monitor
// the time it was due — never the time of an earlier request (the queue
// delay metric once reported minutes for sub-second onlines).
func TestObserveQueueTime(t *testing.T) {
	c := clock.NewFake(time.Unix(1000, 0))
	typ := testType(map[string]string{"Operations": "OnOff"})
	var mu sync.Mutex
	var seen []ep.Observation
	a, err := New(Options{Type: typ, Impl: newOnlineFake(ep.Online, ep.Offline), Clock: c,
		Observe: func(o ep.Observation) { mu.Lock(); seen = append(seen, o); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	defer a.Stop(context.Background())
	if err := a.Add(testResource(typ, "r1")); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	c.Advance(100 * time.Second)
	askedOnline := c.Now()
	if err := a.Online("r1"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	c.Advance(50 * time.Second)
	askedOffline := c.Now()
	if err := a.Offline("r1"); err != nil {
		t.Fatal(err)
	}
	settle(t, a)
	mu.Lock()
	defer mu.Unlock()
	want := map[ep.Name]time.Time{ep.Online: askedOnline, ep.Offline: askedOffline}
	for _, o := range seen {
		if o.Started.Before(o.Queued) {
			t.Errorf("%s started %v before it was queued %v", o.Request.EP, o.Started, o.Queued)
		}
		if w, ok := want[o.Request.EP]; ok {
			if !o.Queued.Equal(w) {
				t.Errorf("%s queued at %v, want the time of its request %v", o.Request.EP, o.Queued, w)
			}
			delete(want, o.Request.EP)
		}
	}
	if len(want) > 0 {
		t.Fatalf("not observed: %v (saw %d runs)", want, len(seen))
	}
}
