package events

import "context"

// Follow calls fn for every event published from now on, in order, until
// ctx ends or the bus closes. A subscriber is never dropped silently: when
// fn falls so far behind that the bus drops its subscription, Follow
// subscribes again, first delivering the events it missed that the bus
// still remembers, and calls lost with the number it could not recover
// (lost may be nil). Buffer is the subscription's buffer size.
func (b *Bus) Follow(ctx context.Context, buffer int, fn func(Event), lost func(n uint64)) {
	sub, last := b.subscribeAfter(buffer, 0, false)
	for {
		select {
		case e, ok := <-sub.C:
			if ok {
				last = e.Seq
				fn(e)
				continue
			}
			if !sub.Dropped() {
				return // cancelled or the bus closed
			}
			var missed uint64
			sub, missed = b.subscribeAfter(buffer, last, true)
			if missed > 0 && lost != nil {
				lost(missed)
			}
		case <-ctx.Done():
			sub.Cancel()
			return
		}
	}
}

// subscribeAfter subscribes with a buffer of size events. With resume, it
// first queues every remembered event after sequence number last and
// returns how many events after last the history no longer holds; without,
// it returns the current sequence number as the second result.
func (b *Bus) subscribeAfter(size int, last uint64, resume bool) (*Subscription, uint64) {
	if size < 1 {
		size = 1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var replay []Event
	if resume {
		for _, e := range b.recentLocked(-1) {
			if e.Seq > last {
				replay = append(replay, e)
			}
		}
	}
	c := make(chan Event, size+len(replay)) // room for the replay and a buffer beyond it
	s := &Subscription{C: c, c: c, bus: b}
	if b.closed {
		close(c)
		return s, 0
	}
	b.subs[s] = struct{}{}
	if !resume {
		return s, b.seq
	}
	for _, e := range replay {
		c <- e
	}
	return s, b.seq - last - uint64(len(replay))
}
