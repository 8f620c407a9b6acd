package stats

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)

const ms = time.Millisecond

// spikeParams: ExpectedValue 100 ms, ValueThreshold 100 % (limit 200 ms),
// AvgThreshold so high that no gradual change interferes.
var spikeParams = Params{Compute: true, Frequency: 5, Expected: 100 * ms, ValueThreshold: 100, AvgThreshold: 1 << 20}

// avgParams: spikes out of the way (ExpectedValue 1 h), AvgThreshold 40 %.
var avgParams = Params{Compute: true, Frequency: 3, Expected: time.Hour, ValueThreshold: 100, AvgThreshold: 40}

// feed adds one online cycle per duration, one second apart from start,
// and returns the notifications in the text of note.
func feed(tr *Tracker, p Params, start int, ds ...time.Duration) []string {
	var out []string
	for i, d := range ds {
		c := Cycle{End: t0.Add(time.Duration(start+i) * time.Second), Duration: d, Online: true, Params: p, Timeout: time.Minute}
		for _, n := range tr.Add(c) {
			out = append(out, note(n))
		}
	}
	return out
}

func note(n Notification) string {
	return fmt.Sprintf("%s@%d value=%v ref=%v thr=%d count=%d max=%v mean=%v run=%d", n.Change,
		int(n.Time.Sub(t0)/time.Second), n.Value, n.Reference, n.Threshold, n.Count, n.Max, n.Mean, n.Run)
}

func repeat(d time.Duration, n int) []time.Duration { return slices.Repeat([]time.Duration{d}, n) }

func cat(parts ...[]time.Duration) []time.Duration { return slices.Concat(parts...) }

// TestSpikeRuns pins the sudden-change rule: the first spike of a run is
// notified at once, each further 10 consecutive spikes give one collective
// notification with count, max and mean; a normal cycle ends the run.
func TestSpikeRuns(t *testing.T) {
	const sp = "sudden@%d value=%v ref=100ms thr=100 count=%d max=%v mean=%v run=%d"
	ramp := func(n int) []time.Duration { // spikes of 300, 301, ... ms
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = time.Duration(300+i) * ms
		}
		return out
	}
	tests := []struct {
		name string
		ds   []time.Duration
		want []string
	}{
		{"exactly at the limit is not a spike", repeat(200*ms, 3), nil},
		{"just above the limit is", []time.Duration{200 * ms, 200*ms + 1, 200 * ms},
			[]string{fmt.Sprintf(sp, 1, 200*ms+1, 1, 200*ms+1, 200*ms+1, 1)}},
		{"run of 1", cat(repeat(50*ms, 2), ramp(1), repeat(50*ms, 2)),
			[]string{fmt.Sprintf(sp, 2, 300*ms, 1, 300*ms, 300*ms, 1)}},
		{"run of 11: the first, then one for the next 10", ramp(11), []string{
			fmt.Sprintf(sp, 0, 300*ms, 1, 300*ms, 300*ms, 1),
			fmt.Sprintf(sp, 10, 305500*time.Microsecond, 10, 310*ms, 305500*time.Microsecond, 11)}},
		{"run of 12: the 12th waits for 9 more", cat(ramp(12), repeat(50*ms, 1)), []string{
			fmt.Sprintf(sp, 0, 300*ms, 1, 300*ms, 300*ms, 1),
			fmt.Sprintf(sp, 10, 305500*time.Microsecond, 10, 310*ms, 305500*time.Microsecond, 11)}},
		{"run of 25", ramp(25), []string{
			fmt.Sprintf(sp, 0, 300*ms, 1, 300*ms, 300*ms, 1),
			fmt.Sprintf(sp, 10, 305500*time.Microsecond, 10, 310*ms, 305500*time.Microsecond, 11),
			fmt.Sprintf(sp, 20, 315500*time.Microsecond, 10, 320*ms, 315500*time.Microsecond, 21)}},
		{"a normal cycle ends the run; the next spike is notified at once",
			cat(ramp(3), repeat(50*ms, 1), ramp(1)), []string{
				fmt.Sprintf(sp, 0, 300*ms, 1, 300*ms, 300*ms, 1),
				fmt.Sprintf(sp, 4, 300*ms, 1, 300*ms, 300*ms, 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker(100)
			got := feed(tr, spikeParams, 0, tc.ds...)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("notifications:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestRunReport: the report counts spikes, runs and the longest run.
func TestRunReport(t *testing.T) {
	tr := NewTracker(100)
	feed(tr, spikeParams, 0, cat(repeat(300*ms, 12), repeat(50*ms, 1), repeat(300*ms, 3))...)
	r := tr.Report()
	if r.Spikes != 15 || r.Runs != 2 || r.LongestRun != 12 || r.Run != 3 || r.Sudden != 3 {
		t.Fatalf("spikes %d runs %d longest %d run %d sudden %d; want 15 2 12 3 3", r.Spikes, r.Runs, r.LongestRun, r.Run, r.Sudden)
	}
}

// TestTimeStats pins MonitorTimeStats: every Frequency measured cycles,
// Avg is the mean of the last Frequency and TS the end of the last one;
// Frequency 0 and 31 measure nothing; 1 and 30 are the bounds that do.
func TestTimeStats(t *testing.T) {
	tests := []struct {
		name    string
		freq    int
		ds      []time.Duration
		avg     time.Duration
		ts      int // seconds after t0; -1: zero TimeStats
		measure int
	}{
		{"frequency 0 is off", 0, repeat(10*ms, 5), 0, -1, 0},
		{"frequency 31 is out of range", 31, repeat(10*ms, 40), 0, -1, 0},
		{"frequency 1: every cycle", 1, []time.Duration{10 * ms, 20 * ms, 35 * ms}, 35 * ms, 2, 3},
		{"frequency 3: not before the third cycle", 3, []time.Duration{10 * ms, 20 * ms}, 0, -1, 2},
		{"frequency 3: mean of the last three", 3, []time.Duration{10 * ms, 20 * ms, 30 * ms, 100 * ms}, 20 * ms, 2, 4},
		{"frequency 3: updated at the sixth", 3, []time.Duration{10 * ms, 20 * ms, 30 * ms, 40 * ms, 50 * ms, 60 * ms}, 50 * ms, 5, 6},
		{"frequency 30", 30, cat(repeat(10*ms, 15), repeat(20*ms, 15), repeat(90*ms, 5)), 15 * ms, 29, 35},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Params{Compute: true, Frequency: tc.freq, Expected: time.Hour, ValueThreshold: 100, AvgThreshold: 1 << 20}
			tr := NewTracker(100)
			if got := feed(tr, p, 0, tc.ds...); len(got) != 0 {
				t.Fatalf("unexpected notifications %q", got)
			}
			want := TimeStats{Avg: tc.avg}
			if tc.ts >= 0 {
				want.TS = t0.Add(time.Duration(tc.ts) * time.Second)
			}
			if got := tr.TimeStats(); got != want {
				t.Fatalf("MonitorTimeStats = %+v, want %+v", got, want)
			}
			if r := tr.Report(); r.Measured != tc.measure || len(r.Recent) != tc.measure {
				t.Fatalf("measured %d (recent %d), want %d", r.Measured, len(r.Recent), tc.measure)
			}
		})
	}
}

// TestGradualChange: the first MonitorTimeStats average is the benchmark;
// after every cycle the moving average of the last Frequency cycles is
// compared with it; a deviation over AvgThreshold % either way notifies
// and becomes the new benchmark.
func TestGradualChange(t *testing.T) {
	const gr = "gradual@%d value=%v ref=%v thr=40 count=3 max=%v mean=%v run=0"
	tests := []struct {
		name  string
		ds    []time.Duration
		want  []string
		bench time.Duration
	}{
		{"steady", repeat(100*ms, 9), nil, 100 * ms},
		{"exactly 40 % up is not a change", cat(repeat(100*ms, 3), repeat(140*ms, 3)), nil, 100 * ms},
		{"up: notified once the moving average passes 40 %, then the new benchmark holds",
			cat(repeat(100*ms, 3), repeat(200*ms, 6)), []string{
				// cycle 5: (100+200+200)/3 = 166.666 ms > 140 ms
				fmt.Sprintf(gr, 4, 166666666*time.Nanosecond, 100*ms, 200*ms, 166666666*time.Nanosecond),
				// cycle 6: 200 ms > 166.7 ms but by 20 %: nothing; stays
			}, 166666666 * time.Nanosecond},
		{"down after up", cat(repeat(100*ms, 3), repeat(300*ms, 3), repeat(100*ms, 3)), []string{
			fmt.Sprintf(gr, 3, 166666666*time.Nanosecond, 100*ms, 300*ms, 166666666*time.Nanosecond),
			fmt.Sprintf(gr, 4, 233333333*time.Nanosecond, 166666666*time.Nanosecond, 300*ms, 233333333*time.Nanosecond),
			// cycles 5..7: 300, 233.3, 166.7 ms stay within 40 % of 233.3 ms
			fmt.Sprintf(gr, 8, 100*ms, 233333333*time.Nanosecond, 100*ms, 100*ms),
		}, 100 * ms},
		{"no comparison before the benchmark", cat(repeat(10*ms, 2), repeat(500*ms, 1)), nil, 173333333 * time.Nanosecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker(100)
			got := feed(tr, avgParams, 0, tc.ds...)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("notifications:\n got %q\nwant %q", got, tc.want)
			}
			if r := tr.Report(); r.Benchmark != tc.bench || !r.HasBenchmark {
				t.Fatalf("benchmark %v (set %v), want %v", r.Benchmark, r.HasBenchmark, tc.bench)
			}
		})
	}
}

// TestNotMeasured: OFFLINE cycles and ComputeStats=0 measure nothing; an
// OFFLINE cycle ends a spike run.
func TestNotMeasured(t *testing.T) {
	off := spikeParams
	off.Compute = false
	tests := []struct {
		name   string
		p      Params
		online bool
	}{
		{"offline", spikeParams, false},
		{"ComputeStats 0", off, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker(100)
			for i := range 20 {
				if n := tr.Add(Cycle{End: t0.Add(time.Duration(i) * time.Second), Duration: time.Second,
					Online: tc.online, Params: tc.p}); n != nil {
					t.Fatalf("cycle %d notified %v", i, n)
				}
			}
			r := tr.Report()
			if r.Measured != 0 || len(r.Recent) != 0 || r.TimeStats != (TimeStats{}) || r.Spikes != 0 {
				t.Fatalf("measured something: %+v", r)
			}
		})
	}
	t.Run("offline ends a run", func(t *testing.T) {
		tr := NewTracker(100)
		feed(tr, spikeParams, 0, repeat(300*ms, 5)...)
		tr.Add(Cycle{End: t0.Add(5 * time.Second), Duration: 300 * ms, Params: spikeParams})
		if got := feed(tr, spikeParams, 6, 300*ms); len(got) != 1 || tr.Report().Run != 1 {
			t.Fatalf("after OFFLINE: %q, run %d; want a new first spike", got, tr.Report().Run)
		}
	})
	t.Run("book makes no tracker for resources never enabled", func(t *testing.T) {
		b := NewBook(0)
		b.Add("r", Cycle{Duration: time.Second, Online: true, Params: off})
		if _, ok := b.Report("r"); ok || len(b.Names()) != 0 {
			t.Fatal("book tracks a resource with ComputeStats = 0")
		}
	})
}

// TestParamsChange: a run-time change of MonitorStatsParam or ComputeStats
// restarts the computation: no MonitorTimeStats, benchmark or spike run
// carries over; the recent durations stay.
func TestParamsChange(t *testing.T) {
	tr := NewTracker(100)
	feed(tr, spikeParams, 0, cat(repeat(100*ms, 5), repeat(300*ms, 4))...)
	if r := tr.Report(); !r.HasBenchmark || r.Run != 4 {
		t.Fatalf("before the change: %+v", r)
	}
	p := spikeParams
	p.Expected = 500 * ms
	got := feed(tr, p, 9, 300*ms)
	r := tr.Report()
	if len(got) != 0 || r.HasBenchmark || r.Run != 0 || r.Measured != 1 || r.Restarts != 1 || r.TimeStats != (TimeStats{}) {
		t.Fatalf("after an ExpectedValue change: notes %q, report %+v", got, r)
	}
	if len(r.Recent) != 10 {
		t.Fatalf("recent = %d cycles, want the 10 measured", len(r.Recent))
	}
	// a spike under the new parameters is a first spike again
	if got := feed(tr, p, 10, 1001*ms); len(got) != 1 || got[0] != "sudden@10 value=1.001s ref=500ms thr=100 count=1 max=1.001s mean=1.001s run=1" {
		t.Fatalf("first spike after the change: %q", got)
	}
	off := p
	off.Compute = false
	tr.Add(Cycle{End: t0.Add(11 * time.Second), Duration: time.Second, Online: true, Params: off})
	if r := tr.Report(); r.Enabled || r.Measured != 0 || r.Restarts != 2 {
		t.Fatalf("after ComputeStats = 0: %+v", r)
	}
	on := feed(tr, p, 12, cat(repeat(100*ms, 5))...)
	if r := tr.Report(); len(on) != 0 || r.Restarts != 3 || r.TimeStats.Avg != 100*ms {
		t.Fatalf("after ComputeStats = 1 again: %q %+v", on, r)
	}
}
