package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/events"
)

// TestMonitorStatistics: a real script monitor whose duration a file
// controls, with ComputeStats = 1 (Frequency 3, ExpectedValue 100 ms,
// ValueThreshold 100 %, AvgThreshold 40 %). MonitorTimeStats follows the
// change from ~50 ms to ~400 ms; the first spike is notified at once, the
// run then only once per 10 further spikes; the moving average departs from
// the benchmark (gradual change); the monitortimechange trigger runs; the
// notifications are WARNINGs in engine_A.log; `vigil stats` suggests a
// MonitorTimeout and draws the chart.
func TestMonitorStatistics(t *testing.T) {
	n := newNode(t, "stats")
	setDelay := func(s string) {
		if err := os.WriteFile(n.path("run/delay"), []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	setDelay("0.05")
	n.start()
	n.eventually("slow ONLINE", 30*time.Second, func() bool { return n.state("res", "slow") == "ONLINE" })

	avg := func() (int, string) {
		out, _, code := n.vigil("res", "value", "slow", "MonitorTimeStats")
		if code != 0 {
			return -1, out
		}
		f := strings.Fields(out) // Avg <ms> TS "<time>"
		if len(f) < 3 || f[0] != "Avg" || f[2] != "TS" {
			t.Fatalf("MonitorTimeStats printed as %q, want Avg <ms> TS <time>", out)
		}
		a, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("MonitorTimeStats Avg %q: %v", f[1], err)
		}
		return a, out
	}
	// The monitor sleeps 50 ms, so no average can be below it; it stays
	// under 400 ms unless the machine is very busy, and then we wait.
	var first string
	n.eventually("MonitorTimeStats of the 50 ms monitor", 60*time.Second, func() bool {
		a, out := avg()
		first = out
		return a >= 50 && a < 400
	})
	if !strings.Contains(first, `TS "`) || strings.Contains(first, `TS ""`) {
		t.Fatalf("MonitorTimeStats without a timestamp: %q", first)
	}
	switched := time.Now()
	setDelay("0.4")
	n.eventually("MonitorTimeStats of the 400 ms monitor", 60*time.Second, func() bool {
		a, _ := avg()
		return a >= 400
	})

	// The run of spikes goes on: wait for its collective notification.
	var sudden, gradual []events.Event
	n.eventually("the collective sudden-change notification", 90*time.Second, func() bool {
		sudden, gradual = nil, nil
		for _, e := range n.events() {
			if e.Time.Before(switched) || e.Stats == nil {
				continue
			}
			switch e.Kind {
			case events.KindStatsSudden:
				sudden = append(sudden, e)
			case events.KindStatsGradual:
				gradual = append(gradual, e)
			}
		}
		return len(sudden) > 0 && sudden[len(sudden)-1].Stats.Run >= 11
	})
	// Rate limit: the first spike of the run, then one for 10 more.
	var run []events.Event
	for _, e := range sudden {
		if e.Stats.Run == 1 {
			run = nil
		}
		run = append(run, e)
	}
	if len(run) != 2 || run[0].Stats.Count != 1 || run[0].Stats.ValueMs < 400 ||
		run[1].Stats.Count != 10 || run[1].Stats.Run != 11 || run[1].Stats.MaxMs < 400 || run[1].Stats.MeanMs < 400 {
		t.Fatalf("sudden-change notifications of the run: %+v", statsOf(run))
	}
	if len(gradual) == 0 || gradual[0].Stats.ValueMs < gradual[0].Stats.ReferenceMs*1.4 {
		t.Fatalf("gradual-change notifications after the switch: %+v", statsOf(gradual))
	}

	n.eventually("monitortimechange trigger ran for both changes", 30*time.Second, func() bool {
		b, _ := os.ReadFile(n.path("run/triggers.log"))
		s := string(b)
		return strings.Contains(s, "monitortimechange e2e1 slow sudden ") && strings.Contains(s, "monitortimechange e2e1 slow gradual ")
	})
	log, err := os.ReadFile(filepath.Join(n.dir, "log", "engine_A.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !hasLine(string(log), "VCS WARNING", "stats-sudden-change") || !hasLine(string(log), "VCS WARNING", "stats-gradual-change") {
		t.Fatalf("engine_A.log has no WARNING line for the statistics notifications:\n%s", log)
	}

	var v wire.StatsView
	if err := json.Unmarshal([]byte(n.must("stats", "slow", "--json")), &v); err != nil {
		t.Fatal(err)
	}
	if !v.Measured || v.SuggestedTimeout < 5 || v.P99Ms < 400 || v.Spikes < 11 || !strings.Contains(v.SuggestionReason, "p99 of the last") {
		t.Fatalf("vigil stats slow --json: %+v", v)
	}
	text := n.must("stats", "slow")
	if !strings.Contains(text, "suggested "+(time.Duration(v.SuggestedTimeout)*time.Second).String()) {
		t.Fatalf("vigil stats slow does not print the suggestion:\n%s", text)
	}
	chart := n.must("stats", "slow", "--chart")
	if !strings.Contains(chart, "limit: ExpectedValue + 100 %") || !strings.Contains(chart, "ExpectedValue") || !strings.Contains(chart, "█") {
		t.Fatalf("vigil stats slow --chart:\n%s", chart)
	}
	if table := n.must("stats"); !strings.Contains(table, "slow") || !strings.Contains(table, "SUGGESTED") {
		t.Fatalf("vigil stats:\n%s", table)
	}
	t.Logf("vigil stats slow --chart:\n%s\n%s", text, chart)
}

func hasLine(text string, parts ...string) bool {
	for _, l := range strings.Split(text, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}

func statsOf(es []events.Event) []events.StatsChange {
	var out []events.StatsChange
	for _, e := range es {
		out = append(out, *e.Stats)
	}
	return out
}
