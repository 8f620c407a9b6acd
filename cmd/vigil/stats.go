package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

func init() { subcommands = append(subcommands, newStatsCmd) }

func newStatsCmd() *cobra.Command {
	f := &clientFlags{}
	var chart bool
	cmd := &cobra.Command{
		Use:   "stats [RES]",
		Short: "Monitor statistics: recent cycle times, MonitorTimeStats, spikes and a suggested MonitorTimeout",
		Long: "Without RES, one line per resource. With RES, the resource's statistics in full: the rule in force\n" +
			"(ComputeStats, MonitorStatsParam), the recent monitor cycles (last, min, mean, p50, p95, p99, max),\n" +
			"MonitorTimeStats, the benchmark and moving averages, spike runs, and a suggested MonitorTimeout with\n" +
			"its reason. --chart draws the recent cycles with the ExpectedValue and spike-limit lines.",
		Example:           "  vigil stats\n  vigil stats web1\n  vigil stats web1 --chart\n  vigil stats web1 --json",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeNames(f, resourceName, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if chart && name == "" {
				return usageError(errors.New("stats: --chart needs a resource: vigil stats RES --chart"))
			}
			ctx, cancel := cmdContext()
			defer cancel()
			vs, err := f.client().Stats(ctx, name)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch {
			case f.json && name != "" && len(vs) == 1:
				return printJSON(out, vs[0])
			case f.json:
				return printJSON(out, vs)
			case name == "":
				return printStatsTable(out, vs)
			}
			for _, v := range vs {
				printStats(out, v)
				if chart {
					fmt.Fprintln(out)
					drawChart(out, v, chartHeight)
				}
			}
			return nil
		},
	}
	f.addSocketFlag(cmd)
	f.addJSONFlag(cmd)
	cmd.Flags().BoolVar(&chart, "chart", false, "draw the recent monitor times in the terminal")
	return cmd
}

// msText prints milliseconds the way MonitorTimeStats does: whole numbers
// from 10 ms up, one decimal below.
func msText(ms float64) string {
	if ms < 10 {
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
}

func secText(s int) string {
	if s <= 0 {
		return "-"
	}
	return (time.Duration(s) * time.Second).String()
}

func printStatsTable(w io.Writer, vs []wire.StatsView) error {
	tw := table(w)
	fmt.Fprintln(tw, "RESOURCE\tTYPE\tSTATE\tCYCLES\tLAST\tP50\tP99\tMAX\tAVG\tSPIKES\tTIMEOUT\tSUGGESTED")
	for _, v := range vs {
		if v.Window == 0 {
			cycles := "0"
			if !v.Measured {
				cycles = "off"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t-\t-\t-\t-\t%s\t-\t%s\t-\n", v.Resource, v.Type, v.State, cycles,
				v.MonitorTimeStats.Avg, secText(v.MonitorTimeout))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", v.Resource, v.Type, v.State, v.Cycles,
			msText(v.LastMs), msText(v.P50Ms), msText(v.P99Ms), msText(v.MaxMs), v.MonitorTimeStats.Avg, v.Spikes,
			secText(v.MonitorTimeout), secText(v.SuggestedTimeout))
	}
	return tw.Flush()
}

func printStats(w io.Writer, v wire.StatsView) {
	tw := table(w)
	fmt.Fprintf(tw, "resource\t%s (type %s), %s\n", v.Resource, v.Type, v.State)
	fmt.Fprintf(tw, "rule\tComputeStats %d, Frequency %d, ExpectedValue %s, ValueThreshold %d %% (spike over %s), AvgThreshold %d %%\n",
		map[bool]int{true: 1}[v.ComputeStats], v.Frequency, msText(v.ExpectedMs), v.ValueThreshold, msText(v.LimitMs), v.AvgThreshold)
	if v.Note != "" {
		fmt.Fprintf(tw, "note\t%s\n", v.Note)
	}
	if v.Window > 0 {
		fmt.Fprintf(tw, "recent cycles\t%d: last %s, min %s, mean %s, p50 %s, p95 %s, p99 %s, max %s", v.Window,
			msText(v.LastMs), msText(v.MinMs), msText(v.MeanMs), msText(v.P50Ms), msText(v.P95Ms), msText(v.P99Ms), msText(v.MaxMs))
		if v.TimedOut > 0 {
			fmt.Fprintf(tw, ", %d timed out", v.TimedOut)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "measured\t%d cycles since the computation started", v.Cycles)
	if v.Restarts > 0 {
		fmt.Fprintf(tw, " (restarted %d times by parameter changes)", v.Restarts)
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "MonitorTimeStats\tAvg %s TS %q\n", v.MonitorTimeStats.Avg, v.MonitorTimeStats.TS)
	avg := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return msText(*p)
	}
	fmt.Fprintf(tw, "averages\tbenchmark %s, moving %s\n", avg(v.BenchmarkMs), avg(v.MovingMs))
	fmt.Fprintf(tw, "spikes\t%d in %d runs (current run %d, longest %d); notifications %d sudden, %d gradual\n",
		v.Spikes, v.Runs, v.Run, v.LongestRun, v.Sudden, v.Gradual)
	fmt.Fprintf(tw, "MonitorTimeout\t%s now, suggested %s\n", secText(v.MonitorTimeout), secText(v.SuggestedTimeout))
	fmt.Fprintf(tw, "why\t%s\n", v.SuggestionReason)
	tw.Flush()
}
