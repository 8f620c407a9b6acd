package stats

import (
	"fmt"
	"slices"
	"time"
)

// Summary describes a set of cycle durations.
type Summary struct {
	Count    int
	TimedOut int // cycles that hit MonitorTimeout (counted as the timeout)
	Last     time.Duration
	Min      time.Duration
	Mean     time.Duration
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Max      time.Duration
}

// Summarize describes samples (oldest first). Percentiles are nearest-rank:
// the smallest duration with at least p % of the samples at or below it.
func Summarize(samples []Sample) Summary {
	s := Summary{Count: len(samples)}
	if s.Count == 0 {
		return s
	}
	ds := make([]time.Duration, len(samples))
	var sum time.Duration
	for i, x := range samples {
		ds[i] = x.Duration
		sum += x.Duration
		if x.TimedOut {
			s.TimedOut++
		}
	}
	s.Last = ds[len(ds)-1]
	slices.Sort(ds)
	s.Min, s.Max, s.Mean = ds[0], ds[len(ds)-1], sum/time.Duration(len(ds))
	s.P50, s.P95, s.P99 = rank(ds, 50), rank(ds, 95), rank(ds, 99)
	return s
}

// rank returns the nearest-rank p-th percentile of sorted ds.
func rank(ds []time.Duration, p int) time.Duration {
	i := (p*len(ds) + 99) / 100 // ceil(p/100 × n)
	return ds[max(i, 1)-1]
}

// Suggestion rules: SuggestFactor × p99 of the recent cycles, rounded up to
// a whole second, never below SuggestFloor.
const (
	SuggestFactor = 3
	SuggestFloor  = 5 * time.Second
	// SuggestFew is the number of cycles under which a suggestion is
	// marked provisional.
	SuggestFew = 20
)

// Suggestion is a suggested MonitorTimeout and why.
type Suggestion struct {
	Timeout time.Duration // 0: no suggestion
	Reason  string
}

// Suggest returns the MonitorTimeout suggested by s, given the timeout in
// force (current).
func Suggest(s Summary, current time.Duration) Suggestion {
	if s.Count == 0 {
		return Suggestion{Reason: "no monitor cycle measured yet (ComputeStats = 1, Frequency 1..30 and ONLINE are needed)"}
	}
	if s.TimedOut > 0 {
		t := max(ceilSecond(2*current), SuggestFloor)
		return Suggestion{Timeout: t, Reason: fmt.Sprintf("%d of the last %d cycles timed out at MonitorTimeout %s: "+
			"their real duration is unknown; try twice the timeout and look again", s.TimedOut, s.Count, show(current))}
	}
	raw := SuggestFactor * s.P99
	t := ceilSecond(raw)
	why := fmt.Sprintf("p99 of the last %d cycles is %s; %d x p99 = %s, rounded up to %s", s.Count, show(s.P99),
		SuggestFactor, show(raw), show(t))
	if t < SuggestFloor {
		t = SuggestFloor
		why += fmt.Sprintf(", raised to the floor of %s", show(SuggestFloor))
	}
	if current > 0 {
		why += fmt.Sprintf("; MonitorTimeout is %s", show(current))
	}
	if s.Count < SuggestFew {
		why += fmt.Sprintf(" (provisional: fewer than %d cycles)", SuggestFew)
	}
	return Suggestion{Timeout: t, Reason: why}
}

func ceilSecond(d time.Duration) time.Duration {
	return (d + time.Second - 1) / time.Second * time.Second
}

// show prints a duration to the millisecond.
func show(d time.Duration) string { return d.Round(time.Millisecond).String() }

// Report is everything `vigil stats` shows of one resource.
type Report struct {
	Params    Params
	Enabled   bool          // Params.Enabled(): the rule measures this resource when ONLINE
	Timeout   time.Duration // MonitorTimeout in force
	Measured  int           // cycles measured since the computation (re)started
	Restarts  int           // times a parameter change restarted it
	Recent    []Sample      // the last measured cycles, oldest first (kept across restarts)
	Summary   Summary       // of Recent
	TimeStats TimeStats     // MonitorTimeStats
	Benchmark time.Duration // valid when HasBenchmark
	// HasBenchmark is false until the first MonitorTimeStats average.
	HasBenchmark bool
	Moving       time.Duration // the moving average; valid when HasMoving
	HasMoving    bool          // Frequency cycles measured since the (re)start
	Run          int           // the current run of consecutive spikes
	Spikes       int           // spikes since the (re)start
	Runs         int           // spike runs since then
	LongestRun   int
	Sudden       int // sudden-change notifications since then
	Gradual      int // gradual-change notifications since then
	Suggestion   Suggestion
}

// Report returns the tracker's report.
func (t *Tracker) Report() Report {
	r := &t.rule
	rep := Report{Params: t.params, Enabled: t.params.Enabled(), Timeout: t.timeout, Measured: r.measured,
		Restarts: t.restarted, Recent: t.recent.all(), TimeStats: r.ts, Benchmark: r.bench, HasBenchmark: r.hasBench,
		Run: r.run, Spikes: t.spikes, Runs: t.runs, LongestRun: t.longest, Sudden: t.sudden, Gradual: t.gradual}
	if r.window.cap() > 0 && r.window.len() == r.window.cap() {
		rep.Moving, rep.HasMoving = r.window.mean(), true
	}
	rep.Summary = Summarize(rep.Recent)
	rep.Suggestion = Suggest(rep.Summary, t.timeout)
	return rep
}
