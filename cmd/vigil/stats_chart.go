package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// chartHeight is the number of rows of `vigil stats RES --chart`.
const chartHeight = 10

// drawChart draws the recent monitor cycles of v as vertical bars, oldest
// left, one column per cycle, with the ExpectedValue line (-) and the
// spike-limit line (=) across; a timed-out cycle's bar is topped with x.
//
//	420 ms ┤       ████
//	200 ms ┼=======████ limit: ExpectedValue + 100 %
//	100 ms ┼-------████ ExpectedValue
//	       ┤███████████
//	       └───────────
func drawChart(w io.Writer, v wire.StatsView, height int) {
	n := len(v.Recent)
	if n == 0 {
		fmt.Fprintln(w, "no monitor cycle measured yet: nothing to draw")
		return
	}
	top := math.Max(v.LimitMs, v.ExpectedMs)
	for _, s := range v.Recent {
		top = math.Max(top, s.Ms)
	}
	if top <= 0 {
		top = 1
	}
	step := top / float64(height)
	rowOf := func(ms float64) int { return min(max(int(math.Ceil(ms/step-1e-9)), 1), height) }
	expRow, limRow := rowOf(v.ExpectedMs), rowOf(v.LimitMs)
	fmt.Fprintf(w, "monitor time of %s, last %d cycles (oldest left), one row = %s\n", v.Resource, n, msText(step))
	for row := height; row >= 1; row-- {
		label, fill, legend := "", ' ', ""
		switch row {
		case limRow:
			label, fill, legend = msText(v.LimitMs), '=', fmt.Sprintf(" limit: ExpectedValue + %d %%", v.ValueThreshold)
		case expRow:
			label, fill, legend = msText(v.ExpectedMs), '-', " ExpectedValue"
		case height:
			label = msText(top)
		}
		if row == expRow && row == limRow {
			legend = " ExpectedValue and limit"
		}
		var b strings.Builder
		for _, s := range v.Recent {
			switch {
			case rowOf(s.Ms) < row || s.Ms <= 0:
				b.WriteRune(fill)
			case s.TimedOut && rowOf(s.Ms) == row:
				b.WriteRune('x')
			default:
				b.WriteRune('█')
			}
		}
		axis := '┤'
		if fill != ' ' {
			axis = '┼'
		}
		fmt.Fprintf(w, "%9s %c%s%s\n", label, axis, b.String(), legend)
	}
	fmt.Fprintf(w, "%9s └%s\n", "", strings.Repeat("─", n))
	fmt.Fprintf(w, "%9s  %s\n", "", sparkline(v.Recent))
}

// sparkline draws the cycles on one line, relative to the longest.
func sparkline(ss []wire.StatsSample) string {
	const bars = "▁▂▃▄▅▆▇█"
	levels := []rune(bars)
	top := 0.0
	for _, s := range ss {
		top = math.Max(top, s.Ms)
	}
	var b strings.Builder
	for _, s := range ss {
		i := 0
		if top > 0 {
			i = min(int(s.Ms/top*float64(len(levels)-1)+0.5), len(levels)-1)
		}
		b.WriteRune(levels[i])
	}
	return b.String()
}
