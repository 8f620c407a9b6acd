package stats

import (
	"strings"
	"testing"
	"time"
)

func samples(ds ...time.Duration) []Sample {
	out := make([]Sample, len(ds))
	for i, d := range ds {
		out[i] = Sample{Duration: d}
	}
	return out
}

// TestSummarize: nearest-rank percentiles, last in arrival order.
func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*ms)
	}
	s := Summarize(samples(ds...))
	want := Summary{Count: 100, Last: 1 * ms, Min: 1 * ms, Mean: 50500 * time.Microsecond, P50: 50 * ms, P95: 95 * ms,
		P99: 99 * ms, Max: 100 * ms}
	if s != want {
		t.Fatalf("got %+v\nwant %+v", s, want)
	}
	one := Summarize(samples(7 * ms))
	if one.P50 != 7*ms || one.P99 != 7*ms || one.Min != 7*ms {
		t.Fatalf("one sample: %+v", one)
	}
	if z := Summarize(nil); z != (Summary{}) {
		t.Fatalf("no samples: %+v", z)
	}
}

// TestSuggest: 3 × p99 rounded up to a whole second, never below the
// floor; timed-out cycles ask for a longer timeout; the reason says why.
func TestSuggest(t *testing.T) {
	many := func(d time.Duration) Summary { return Summarize(samples(repeat(d, 50)...)) }
	timedOut := Summarize([]Sample{{Duration: 10 * time.Second, TimedOut: true}, {Duration: time.Second}})
	tests := []struct {
		name   string
		s      Summary
		cur    time.Duration
		want   time.Duration
		reason []string
	}{
		{"nothing measured", Summary{}, time.Minute, 0, []string{"no monitor cycle measured yet"}},
		{"fast monitor: the floor", many(50 * ms), time.Minute, 5 * time.Second,
			[]string{"p99 of the last 50 cycles is 50ms", "3 x p99 = 150ms", "rounded up to 1s", "floor of 5s", "MonitorTimeout is 1m0s"}},
		{"slow monitor", many(2100 * ms), time.Minute, 7 * time.Second, []string{"3 x p99 = 6.3s, rounded up to 7s"}},
		{"exact seconds stay", many(2 * time.Second), time.Minute, 6 * time.Second, []string{"rounded up to 6s"}},
		{"few cycles are provisional", Summarize(samples(3 * time.Second)), time.Minute, 9 * time.Second, []string{"provisional"}},
		{"timeouts", timedOut, 10 * time.Second, 20 * time.Second, []string{"1 of the last 2 cycles timed out at MonitorTimeout 10s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Suggest(tc.s, tc.cur)
			if got.Timeout != tc.want {
				t.Fatalf("suggested %v, want %v (%s)", got.Timeout, tc.want, got.Reason)
			}
			for _, r := range tc.reason {
				if !strings.Contains(got.Reason, r) {
					t.Errorf("reason %q lacks %q", got.Reason, r)
				}
			}
		})
	}
}

// TestReportTimedOut: a timed-out cycle counts as the timeout (a spike
// when the timeout is over the limit) and shows in the report.
func TestReportTimedOut(t *testing.T) {
	tr := NewTracker(10)
	n := tr.Add(Cycle{End: t0, Duration: 3 * time.Second, TimedOut: true, Online: true, Params: spikeParams, Timeout: 3 * time.Second})
	if len(n) != 1 || n[0].Value != 3*time.Second {
		t.Fatalf("timed-out cycle: %+v", n)
	}
	r := tr.Report()
	if r.Summary.TimedOut != 1 || !r.Recent[0].TimedOut || !r.Recent[0].Spike || r.Suggestion.Timeout != 6*time.Second {
		t.Fatalf("report: %+v", r)
	}
}
