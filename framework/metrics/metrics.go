package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

// Metrics holds vigil's collectors in their own registry.
type Metrics struct {
	reg       *prometheus.Registry
	clk       clock.Clock
	state     *prometheus.GaugeVec
	group     *prometheus.GaugeVec
	events    *prometheus.CounterVec
	imf       *prometheus.CounterVec
	epSeconds *prometheus.HistogramVec
	epResults *prometheus.CounterVec
	queue     *prometheus.HistogramVec
	lost      *prometheus.CounterVec
	monitor   *prometheus.HistogramVec
	statsNote *prometheus.CounterVec
}

// New returns the metrics, registered in a fresh registry together with
// the Go and process collectors.
func New(clk clock.Clock) *Metrics {
	if clk == nil {
		clk = clock.Real{}
	}
	m := &Metrics{reg: prometheus.NewRegistry(), clk: clk}
	m.state = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vigil_resource_state",
		Help: "1 for the resource's current state, 0 for the others."}, []string{"resource", "type", "group", "state"})
	m.group = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vigil_group_state",
		Help: "1 for the group's current state, 0 for the others."}, []string{"group", "state"})
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_events_total",
		Help: "Events published on the bus, by kind and cause."}, []string{"kind", "cause"})
	m.imf = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_imf_events_total",
		Help: "Events caused by intelligent monitoring, by type."}, []string{"type"})
	m.epSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vigil_entry_point_duration_seconds",
		Help: "Entry-point run time.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)},
		[]string{"type", "ep"})
	m.epResults = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_entry_point_results_total",
		Help: "Entry-point runs by outcome and exit code."}, []string{"type", "ep", "outcome", "code"})
	m.queue = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vigil_queue_delay_seconds",
		Help:    "Time from the request of an entry point (the engine's online/offline, a due monitor, a clean the state machine decided) to its start.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 18)}, []string{"type", "ep"})
	m.lost = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_events_lost_total",
		Help: "Events a bus subscriber fell too far behind to receive, by subscriber."}, []string{"subscriber"})
	m.monitor = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "vigil_monitor_duration_seconds",
		Help:    "Monitor cycle time per type, every cycle of every resource; a timed-out cycle counts as its timeout.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)}, []string{"type"})
	m.statsNote = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_stats_notifications_total",
		Help: "Monitor statistics notifications, by type and change (sudden, gradual)."}, []string{"type", "change"})
	m.reg.MustRegister(m.state, m.group, m.events, m.imf, m.epSeconds, m.epResults, m.queue, m.lost, m.monitor, m.statsNote,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// Observe counts one event.
func (m *Metrics) Observe(e events.Event) {
	m.events.WithLabelValues(string(e.Kind), e.Cause).Inc()
	if e.Cause == "imf" {
		m.imf.WithLabelValues(e.Type).Inc()
	}
	switch {
	case e.Kind == events.KindStatsSudden || e.Kind == events.KindStatsGradual:
		change := "sudden"
		if e.Kind == events.KindStatsGradual {
			change = "gradual"
		}
		m.statsNote.WithLabelValues(e.Type, change).Inc()
	case e.Kind == events.KindState && e.Resource != "" && e.To != "":
		st, err := state.ParseResourceState(e.To)
		if err != nil {
			return
		}
		for _, s := range state.Resources() {
			m.state.WithLabelValues(e.Resource, e.Type, e.Group, s.String()).Set(oneIf(s == st.State))
		}
	case e.Kind == events.KindGroupState && e.Group != "":
		gs, err := state.ParseGroupState(e.To)
		if err != nil {
			return
		}
		for _, g := range []state.Group{state.GroupOnline, state.GroupOffline, state.GroupPartial} {
			for _, f := range []state.GroupFlags{0, state.GroupFaulted} {
				x := state.GroupState{State: g, Flags: f}
				m.group.WithLabelValues(e.Group, x.String()).Set(oneIf(x == gs))
			}
		}
	}
}

func oneIf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Lost counts n events that subscriber could not receive.
func (m *Metrics) Lost(subscriber string, n uint64) {
	m.lost.WithLabelValues(subscriber).Add(float64(n))
}

// ObserveRun times and counts one entry-point run and its queue delay; it
// is the agent's Observe hook.
func (m *Metrics) ObserveRun(o ep.Observation) {
	req, res := o.Request, o.Result
	if !o.Queued.IsZero() && !o.Started.IsZero() {
		m.queue.WithLabelValues(req.Type, string(req.EP)).Observe(o.Started.Sub(o.Queued).Seconds())
	}
	m.epSeconds.WithLabelValues(req.Type, string(req.EP)).Observe(res.Duration.Seconds())
	code := ""
	if res.Outcome == ep.Exited {
		code = strconv.Itoa(res.ExitCode)
	}
	m.epResults.WithLabelValues(req.Type, string(req.EP), res.Outcome.String(), code).Inc()
}

// ObserveMonitor records one monitor cycle of a resource of type typ (the
// agent's MonitorDone hook through the daemon).
func (m *Metrics) ObserveMonitor(typ string, d time.Duration) {
	m.MonitorObserver(typ)(d)
}

// MonitorObserver returns a function that records monitor cycles of type
// typ, its histogram looked up once (the per-cycle path of an agent).
func (m *Metrics) MonitorObserver(typ string) func(time.Duration) {
	h := m.monitor.WithLabelValues(typ)
	return func(d time.Duration) { h.Observe(d.Seconds()) }
}
