package stats

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWorkedExample replays the worked example of docs/statistics.md.
func TestWorkedExample(t *testing.T) {
	p := Params{Compute: true, Frequency: 3, Expected: 100 * ms, ValueThreshold: 100, AvgThreshold: 40}
	ds := []time.Duration{50 * ms, 52 * ms, 51 * ms}
	for c := 4; c <= 24; c++ {
		d := 405 * ms
		if c == 14 {
			d = 406 * ms
		}
		ds = append(ds, d)
	}
	ds = append(ds, 50*ms, 50*ms, 50*ms)
	tr := NewTracker(120)
	var got []string
	for _, n := range feed(tr, p, 1, ds...) { // times are cycle numbers
		f := strings.Fields(n)
		got = append(got, f[0]+" "+f[4]+" "+f[7]) // change@cycle count=.. run=..
	}
	want := []string{
		"sudden@4 count=1 run=1", "gradual@4 count=3 run=0", "gradual@5 count=3 run=0", "gradual@6 count=3 run=0",
		"sudden@14 count=10 run=11", "sudden@24 count=10 run=21", "gradual@26 count=3 run=0", "gradual@27 count=3 run=0",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("notifications:\n got %q\nwant %q", got, want)
	}
	if ts := tr.TimeStats(); ts.Avg != 50*ms || ts.TS != t0.Add(27*time.Second) {
		t.Fatalf("MonitorTimeStats %+v, want Avg 50ms at cycle 27", ts)
	}
}
