package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// TestDrawChart: bars reach the row of their value; the ExpectedValue and
// limit lines run across where no bar covers them; a timed-out cycle is
// topped with x.
func TestDrawChart(t *testing.T) {
	v := wire.StatsView{Resource: "r", ExpectedMs: 100, LimitMs: 200, ValueThreshold: 100,
		Recent: []wire.StatsSample{{Ms: 50}, {Ms: 50}, {Ms: 400}, {Ms: 400, TimedOut: true}, {Ms: 150}}}
	var b bytes.Buffer
	drawChart(&b, v, 4) // rows of 100 ms: 1..100, ..200, ..300, ..400
	want := strings.Join([]string{
		"monitor time of r, last 5 cycles (oldest left), one row = 100 ms",
		"   400 ms ┤  █x ",
		"          ┤  ██ ",
		"   200 ms ┼==███ limit: ExpectedValue + 100 %",
		"   100 ms ┼█████ ExpectedValue",
		"          └─────",
		"           ▂▂██▄",
		""}, "\n")
	if got := b.String(); got != want {
		t.Fatalf("chart:\n%s\nwant:\n%s", got, want)
	}
}
