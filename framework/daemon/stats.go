package daemon

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
	"github.com/vigil-ha/vigil/framework/stats"
)

// The monitor statistics live in one stats.Book per daemon. Each agent's
// MonitorDone hook feeds it (and the monitor duration histogram) and turns
// its notifications into events, which reach the bus, engine_A.log,
// triggers and metrics through the engine as every agent event does. The
// API reads the book through statsBackend, which adds the runtime
// attribute MonitorTimeStats and GET /v1/stats to the engine's views.

// monitorDone returns the MonitorDone hook of the agent of type typ.
func (d *Daemon) monitorDone(typ string, notify func(events.Event)) func(agent.MonitorCycle) {
	observe := func(time.Duration) {}
	if d.met != nil {
		observe = d.met.MonitorObserver(typ)
	}
	return func(c agent.MonitorCycle) {
		observe(c.Duration)
		r := c.Resource
		// With ComputeStats = 0 the other parameters do not matter: the
		// Book restarts a tracker on the change and measures nothing.
		var p stats.Params
		if r.Int("ComputeStats") != 0 {
			p = stats.ParamsOf(r)
		}
		notes := d.book.Add(r.Name, stats.Cycle{End: c.End, Duration: c.Duration, TimedOut: c.TimedOut,
			Online: c.State.State == state.Online, Params: p, Timeout: c.Timeout})
		for _, n := range notes {
			notify(statsEvent(r.Name, typ, n))
		}
	}
}

// statsEvent is the event of one statistics notification.
func statsEvent(res, typ string, n stats.Notification) events.Event {
	kind := events.KindStatsSudden
	if n.Change == stats.Gradual {
		kind = events.KindStatsGradual
	}
	return events.Event{Time: n.Time, Kind: kind, Resource: res, Type: typ, Cause: "monitor", Detail: n.String(),
		Stats: &events.StatsChange{Change: n.Change.String(), ValueMs: msOf(n.Value), ReferenceMs: msOf(n.Reference),
			Threshold: n.Threshold, Count: n.Count, MaxMs: msOf(n.Max), MeanMs: msOf(n.Mean), Run: n.Run}}
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// statsBackend is the engine as the API serves it, with the monitor
// statistics of book.
type statsBackend struct {
	*engine.Engine
	book *stats.Book
}

var _ api.StatsBackend = statsBackend{}

// monitorTimeStats is the name of the runtime resource attribute.
const monitorTimeStats = "MonitorTimeStats"

// Value serves MonitorTimeStats from the book, every other attribute from
// the engine.
func (b statsBackend) Value(res, attr string) (wire.AttrView, error) {
	if attr != monitorTimeStats {
		return b.Engine.Value(res, attr)
	}
	if _, err := b.Engine.Value(res, "Enabled"); err != nil {
		return wire.AttrView{}, err // unknown resource
	}
	return b.timeStatsAttr(res), nil
}

// Resource adds MonitorTimeStats to the engine's view of a resource.
func (b statsBackend) Resource(name string) (wire.ResourceView, error) {
	v, err := b.Engine.Resource(name)
	if err == nil {
		v.Attributes = append(v.Attributes, b.timeStatsAttr(name))
	}
	return v, err
}

func (b statsBackend) timeStatsAttr(res string) wire.AttrView {
	m := timeStatsView(b.book.TimeStats(res))
	return wire.AttrView{Name: monitorTimeStats, Kind: "str", Dim: "association", Values: []string{"Avg", m.Avg, "TS", m.TS}}
}

// timeStatsView renders MonitorTimeStats as VCS shows it: Avg in whole
// milliseconds ("0" before the first average), TS in the log's time format
// ("" before).
func timeStatsView(ts stats.TimeStats) wire.MonitorTimeStats {
	if ts.TS.IsZero() {
		return wire.MonitorTimeStats{Avg: "0", TS: ""}
	}
	return wire.MonitorTimeStats{Avg: strconv.FormatInt(int64(ts.Avg.Round(time.Millisecond)/time.Millisecond), 10),
		TS: ts.TS.Local().Format("2006/01/02 15:04:05")}
}

// Stats returns the statistics of one resource, or of every resource.
func (b statsBackend) Stats(name string) ([]wire.StatsView, error) {
	var views []wire.ResourceView
	if name == "" {
		views = b.Engine.Resources()
	} else {
		v, err := b.Engine.Resource(name)
		if err != nil {
			return nil, err
		}
		views = []wire.ResourceView{v}
	}
	snap := b.Engine.Snapshot()
	out := make([]wire.StatsView, 0, len(views))
	for _, v := range views {
		r := snap.Resources[v.Name]
		if r == nil {
			continue
		}
		rep, ok := b.book.Report(v.Name)
		if !ok { // never measured: the parameters in force, nothing else
			rep = stats.Report{Timeout: time.Duration(r.Int("MonitorTimeout")) * time.Second}
			rep.Suggestion = stats.Suggest(rep.Summary, rep.Timeout)
		}
		// The parameters shown are those in force now (the tracker sees
		// them at the next cycle).
		rep.Params = stats.ParamsOf(r)
		rep.Enabled = rep.Params.Enabled()
		sv := statsView(rep, name != "")
		sv.Resource, sv.Type, sv.State = v.Name, v.Type, state.JoinText(v.State, v.Flags)
		out = append(out, sv)
	}
	return out, nil
}

// statsView converts a report; recent adds the recent cycles.
func statsView(r stats.Report, recent bool) wire.StatsView {
	p, s := r.Params, r.Summary
	v := wire.StatsView{Measured: r.Enabled, ComputeStats: p.Compute, Frequency: p.Frequency,
		ExpectedMs: msOf(p.Expected), ValueThreshold: p.ValueThreshold, AvgThreshold: p.AvgThreshold,
		LimitMs: msOf(p.Limit()), MonitorTimeout: int(r.Timeout / time.Second), Cycles: r.Measured, Restarts: r.Restarts,
		Window: s.Count, TimedOut: s.TimedOut, LastMs: msOf(s.Last), MinMs: msOf(s.Min), MeanMs: msOf(s.Mean),
		P50Ms: msOf(s.P50), P95Ms: msOf(s.P95), P99Ms: msOf(s.P99), MaxMs: msOf(s.Max),
		MonitorTimeStats: timeStatsView(r.TimeStats), Run: r.Run, Spikes: r.Spikes, Runs: r.Runs,
		LongestRun: r.LongestRun, Sudden: r.Sudden, Gradual: r.Gradual,
		SuggestedTimeout: int(r.Suggestion.Timeout / time.Second), SuggestionReason: r.Suggestion.Reason}
	switch {
	case !p.Compute:
		v.Note = "ComputeStats = 0: monitor times are not measured"
	case !r.Enabled:
		v.Note = fmt.Sprintf("MonitorStatsParam Frequency = %d: statistics are off (1..30 turns them on)", p.Frequency)
	}
	if r.HasBenchmark {
		b := msOf(r.Benchmark)
		v.BenchmarkMs = &b
	}
	if r.HasMoving {
		m := msOf(r.Moving)
		v.MovingMs = &m
	}
	if recent {
		for _, x := range r.Recent {
			v.Recent = append(v.Recent, wire.StatsSample{Time: x.End, Ms: msOf(x.Duration), TimedOut: x.TimedOut, Spike: x.Spike})
		}
	}
	return v
}
