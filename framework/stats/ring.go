package stats

import "time"

// Sample is one measured cycle as the report keeps it.
type Sample struct {
	End      time.Time
	Duration time.Duration
	TimedOut bool
	Spike    bool
}

// ring keeps the last cap samples.
type ring struct {
	buf  []Sample
	next int
	full bool
}

func newRing(n int) ring { return ring{buf: make([]Sample, n)} }

func (r *ring) cap() int { return len(r.buf) }

func (r *ring) len() int {
	if r.full {
		return len(r.buf)
	}
	return r.next
}

func (r *ring) push(s Sample) {
	if len(r.buf) == 0 {
		return
	}
	r.buf[r.next] = s
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// all returns the samples oldest first, in a new slice.
func (r *ring) all() []Sample {
	out := make([]Sample, 0, r.len())
	if r.full {
		out = append(out, r.buf[r.next:]...)
	}
	return append(out, r.buf[:r.next]...)
}

func (r *ring) mean() time.Duration {
	n := r.len()
	if n == 0 {
		return 0
	}
	var sum time.Duration
	for _, s := range r.buf[:n] {
		sum += s.Duration
	}
	return sum / time.Duration(n)
}

func (r *ring) max() time.Duration {
	var m time.Duration
	for _, s := range r.buf[:r.len()] {
		m = max(m, s.Duration)
	}
	return m
}
