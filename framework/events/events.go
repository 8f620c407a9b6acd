package events

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
)

// Event is one notification. Time carries nanoseconds; Cause says what led to
// it ("monitor", "probe", "online", "offline", "clean", "imf", "clear",
// "admin", "fault-propagation", ...).
type Event struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Kind     Kind      `json:"kind"`
	Resource string    `json:"resource,omitempty"`
	Type     string    `json:"type,omitempty"`
	Group    string    `json:"group,omitempty"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Cause    string    `json:"cause,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	// Stats carries the figures of a statistics notification.
	Stats *StatsChange `json:"stats,omitempty"`
}

// MarshalJSON writes Time as RFC 3339 with nanoseconds in UTC.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		plain
		Time string `json:"time"`
	}{plain(e), e.Time.UTC().Format(time.RFC3339Nano)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Event) UnmarshalJSON(b []byte) error {
	type plain Event
	var v struct {
		plain
		Time string `json:"time"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = Event(v.plain)
	if v.Time == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v.Time)
	if err != nil {
		return err
	}
	e.Time = t
	return nil
}

// Bus fans events out to subscribers and keeps the last events in a ring.
// The zero value is not usable; call NewBus.
type Bus struct {
	clk    clock.Clock
	mu     sync.Mutex
	seq    uint64
	ring   []Event
	next   int
	full   bool
	subs   map[*Subscription]struct{}
	closed bool
}

// NewBus returns a bus that remembers the last history events and stamps
// events published without a time with clk (nil: the real clock).
func NewBus(history int, clk clock.Clock) *Bus {
	if history < 1 {
		history = 1
	}
	if clk == nil {
		clk = clock.Real{}
	}
	return &Bus{clk: clk, ring: make([]Event, history), subs: map[*Subscription]struct{}{}}
}

// Subscription is one subscriber's stream. C is closed when the subscriber
// cancels, falls too far behind (Dropped then reports true) or the bus closes.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	bus     *Bus
	dropped bool
}

// Publish stamps e with the next sequence number (and the time, when it has
// none) and delivers it. It never blocks: a subscriber whose buffer is full
// is dropped (Follow resubscribes such a subscriber and counts its losses).
func (b *Bus) Publish(e Event) Event {
	if e.Time.IsZero() {
		e.Time = b.clk.Now()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return e
	}
	b.seq++
	e.Seq = b.seq
	b.ring[b.next] = e
	b.next = (b.next + 1) % len(b.ring)
	if b.next == 0 {
		b.full = true
	}
	for s := range b.subs {
		select {
		case s.c <- e:
		default:
			s.dropped = true
			delete(b.subs, s)
			close(s.c)
		}
	}
	return e
}

// Subscribe returns a subscription with a buffer of size events. When
// replay is true the current history is queued first (as far as it fits).
func (b *Bus) Subscribe(size int, replay bool) *Subscription {
	if size < 1 {
		size = 1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := make(chan Event, size)
	s := &Subscription{C: c, c: c, bus: b}
	if b.closed {
		close(c)
		return s
	}
	if replay {
		h := b.recentLocked(size)
		for _, e := range h {
			c <- e
		}
	}
	b.subs[s] = struct{}{}
	return s
}

// Cancel ends the subscription and closes its channel; it is idempotent.
func (s *Subscription) Cancel() {
	b := s.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[s]; ok {
		delete(b.subs, s)
		close(s.c)
	}
}

// Dropped reports whether the bus dropped the subscriber for falling behind.
func (s *Subscription) Dropped() bool {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.dropped
}

// Recent returns up to n of the most recent events, oldest first.
func (b *Bus) Recent(n int) []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.recentLocked(n)
}

func (b *Bus) recentLocked(n int) []Event {
	var all []Event
	if b.full {
		all = append(all, b.ring[b.next:]...)
	}
	all = append(all, b.ring[:b.next]...)
	if n >= 0 && len(all) > n {
		all = all[len(all)-n:]
	}
	return all
}

// Close closes every subscription; later Publish calls are ignored.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for s := range b.subs {
		delete(b.subs, s)
		close(s.c)
	}
}
