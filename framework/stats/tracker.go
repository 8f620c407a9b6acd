package stats

import (
	"fmt"
	"time"
)

// Collective is the number of further consecutive spikes that one
// collective sudden-change notification covers.
const Collective = 10

// Cycle is one completed monitor cycle of one resource.
type Cycle struct {
	End      time.Time     // when the cycle ended (MonitorTimeStats TS)
	Duration time.Duration // how long it took; a timed-out cycle counts as its timeout
	TimedOut bool          // it hit MonitorTimeout
	Online   bool          // the resource's base state was ONLINE while it ran
	Params   Params        // resolved when the cycle ran
	Timeout  time.Duration // MonitorTimeout in force
}

// Change is the kind of a notification.
type Change int

// Kinds of change.
const (
	Sudden  Change = iota + 1 // one cycle, or a run of cycles, over the spike limit
	Gradual                   // the moving average departed from the benchmark
)

// String names the change as the monitortimechange trigger receives it.
func (c Change) String() string {
	switch c {
	case Sudden:
		return "sudden"
	case Gradual:
		return "gradual"
	}
	return "unknown"
}

// Notification is one sudden- or gradual-change notification.
//
// Sudden: Value is the spike's duration (the first of a run) or the mean of
// the Count spikes a collective notification covers; Reference is
// ExpectedValue; Threshold is ValueThreshold; Max and Mean describe the
// Count spikes; Run is the length of the run so far.
//
// Gradual: Value is the moving average, Reference the benchmark it departed
// from (Value is the new benchmark); Threshold is AvgThreshold; Count is
// Frequency, the number of cycles averaged; Max and Mean are the longest
// and the mean of those cycles.
type Notification struct {
	Change    Change
	Time      time.Time
	Value     time.Duration
	Reference time.Duration
	Threshold int
	Count     int
	Max       time.Duration
	Mean      time.Duration
	Run       int
}

// TimeStats is the MonitorTimeStats attribute: the average of the last
// Frequency cycles and when it was computed. The zero value is the
// attribute's default (Avg "0", TS "").
type TimeStats struct {
	Avg time.Duration
	TS  time.Time
}

// Tracker keeps the statistics of one resource. The zero value is not
// usable; use NewTracker. It is not safe for concurrent use (Book is).
type Tracker struct {
	params    Params
	seen      bool // params holds the parameters of an earlier cycle
	timeout   time.Duration
	recent    ring
	rule      ruleState
	spikes    int // spikes since the computation (re)started
	runs      int // spike runs since then
	longest   int // the longest run since then
	sudden    int // notifications since then
	gradual   int
	restarted int // times a parameter change restarted the computation
}

// ruleState is what a parameter change resets.
type ruleState struct {
	window   ring // the last Frequency measured durations
	measured int  // cycles measured
	ts       TimeStats
	bench    time.Duration
	hasBench bool
	run      int           // current run of consecutive spikes
	pending  int           // spikes since the last notification of the run
	pendMax  time.Duration // longest of them
	pendSum  time.Duration
}

// NewTracker returns a tracker that keeps the last keep cycles for the
// report (at least 1).
func NewTracker(keep int) *Tracker {
	return &Tracker{recent: newRing(max(keep, 1))}
}

// Add takes one completed monitor cycle and returns the notifications it
// raises, in order. A change of the parameters since the previous cycle
// restarts the computation first: MonitorTimeStats, the benchmark, the
// averages and the spike run start from nothing (the recent durations the
// report shows are kept: they are measurements, not parameters).
func (t *Tracker) Add(c Cycle) []Notification {
	if t.seen && c.Params != t.params {
		t.restart()
	}
	t.params, t.seen, t.timeout = c.Params, true, c.Timeout
	p := c.Params
	if !p.Enabled() {
		return nil
	}
	if !c.Online {
		t.endRun()
		return nil
	}
	r := &t.rule
	if r.window.cap() != p.Frequency {
		r.window = newRing(p.Frequency)
	}
	spike := p.Spike(c.Duration)
	t.recent.push(Sample{End: c.End, Duration: c.Duration, TimedOut: c.TimedOut, Spike: spike})
	r.measured++
	r.window.push(Sample{Duration: c.Duration})
	var out []Notification
	if spike {
		out = t.spike(c)
	} else {
		t.endRun()
	}
	if r.measured%p.Frequency == 0 {
		r.ts = TimeStats{Avg: r.window.mean(), TS: c.End}
		if !r.hasBench {
			r.bench, r.hasBench = r.ts.Avg, true
		}
	}
	if r.hasBench && r.window.len() == p.Frequency {
		if avg := r.window.mean(); p.drifted(avg, r.bench) {
			out = append(out, Notification{Change: Gradual, Time: c.End, Value: avg, Reference: r.bench,
				Threshold: p.AvgThreshold, Count: p.Frequency, Max: r.window.max(), Mean: avg})
			r.bench = avg
			t.gradual++
		}
	}
	return out
}

// spike counts one spike of the current run and returns its notification,
// if it is due.
func (t *Tracker) spike(c Cycle) []Notification {
	r := &t.rule
	r.run++
	t.spikes++
	t.longest = max(t.longest, r.run)
	if r.run == 1 {
		t.runs++
		t.sudden++
		return []Notification{{Change: Sudden, Time: c.End, Value: c.Duration, Reference: c.Params.Expected,
			Threshold: c.Params.ValueThreshold, Count: 1, Max: c.Duration, Mean: c.Duration, Run: 1}}
	}
	r.pending++
	r.pendSum += c.Duration
	r.pendMax = max(r.pendMax, c.Duration)
	if r.pending < Collective {
		return nil
	}
	mean := r.pendSum / time.Duration(r.pending)
	n := Notification{Change: Sudden, Time: c.End, Value: mean, Reference: c.Params.Expected,
		Threshold: c.Params.ValueThreshold, Count: r.pending, Max: r.pendMax, Mean: mean, Run: r.run}
	r.pending, r.pendSum, r.pendMax = 0, 0, 0
	t.sudden++
	return []Notification{n}
}

// endRun ends the current spike run; spikes not yet notified are dropped.
func (t *Tracker) endRun() {
	r := &t.rule
	r.run, r.pending, r.pendSum, r.pendMax = 0, 0, 0, 0
}

func (t *Tracker) restart() {
	t.rule = ruleState{}
	t.spikes, t.runs, t.longest, t.sudden, t.gradual = 0, 0, 0, 0, 0
	t.restarted++
}

// TimeStats returns MonitorTimeStats (zero until the first Frequency
// cycles are measured).
func (t *Tracker) TimeStats() TimeStats { return t.rule.ts }

// String describes the notification for the engine log and `vigil events`.
func (n Notification) String() string {
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	switch {
	case n.Change == Gradual:
		return fmt.Sprintf("monitor time changed gradually: moving average of the last %d cycles %s departs from the benchmark %s by more than %d %% (max %s); it is the new benchmark",
			n.Count, ms(n.Value), ms(n.Reference), n.Threshold, ms(n.Max))
	case n.Run == 1:
		return fmt.Sprintf("monitor time changed suddenly: the cycle took %s, over ExpectedValue %s + %d %%",
			ms(n.Value), ms(n.Reference), n.Threshold)
	}
	return fmt.Sprintf("monitor time still high: %d more consecutive cycles over ExpectedValue %s + %d %% (run of %d): max %s, mean %s",
		n.Count, ms(n.Reference), n.Threshold, n.Run, ms(n.Max), ms(n.Mean))
}
