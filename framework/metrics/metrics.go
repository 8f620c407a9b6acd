package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
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

	mu        sync.Mutex
	states    map[string]string    // resource -> state label set to 1
	requested map[string]time.Time // resource -> time of the engine's request
}

var knownStates = []string{"ONLINE", "OFFLINE", "FAULTED", "UNKNOWN"}

// New returns the metrics, registered in a fresh registry together with
// the Go and process collectors.
func New(clk clock.Clock) *Metrics {
	if clk == nil {
		clk = clock.Real{}
	}
	m := &Metrics{reg: prometheus.NewRegistry(), clk: clk, states: map[string]string{},
		requested: map[string]time.Time{}}
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
		Help:    "Time from the engine's online/offline request to the start of the entry point.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 18)}, []string{"type", "ep"})
	m.reg.MustRegister(m.state, m.group, m.events, m.imf, m.epSeconds, m.epResults, m.queue,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// Observe counts one event.
func (m *Metrics) Observe(e events.Event) {
	m.events.WithLabelValues(e.Kind, e.Cause).Inc()
	if e.Cause == "imf" {
		m.imf.WithLabelValues(e.Type).Inc()
	}
	switch {
	case e.Kind == events.KindState && e.Resource != "" && e.To != "":
		m.setState(e)
	case e.Kind == events.KindGroupState && e.Group != "":
		for _, st := range []string{"ONLINE", "OFFLINE", "PARTIAL", "ONLINE|FAULTED", "OFFLINE|FAULTED", "PARTIAL|FAULTED"} {
			v := 0.0
			if st == e.To {
				v = 1
			}
			m.group.WithLabelValues(e.Group, st).Set(v)
		}
	case e.Kind == "request" && e.Resource != "":
		m.mu.Lock()
		m.requested[e.Resource] = e.Time
		m.mu.Unlock()
	}
}

func (m *Metrics) setState(e events.Event) {
	to := e.To
	for i := range to {
		if to[i] == '|' {
			to = to[:i]
			break
		}
	}
	for _, s := range knownStates {
		v := 0.0
		if s == to {
			v = 1
		}
		m.state.WithLabelValues(e.Resource, e.Type, e.Group, s).Set(v)
	}
}

// Run observes the events of a subscription until it closes or ctx ends.
func (m *Metrics) Run(ctx context.Context, sub *events.Subscription) {
	for {
		select {
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			m.Observe(e)
		case <-ctx.Done():
			return
		}
	}
}

// Instrument wraps an entry-point implementation so that every run is
// timed and counted, and online/offline runs record their queue delay.
func (m *Metrics) Instrument(impl ep.Implementation) ep.Implementation {
	return &instrumented{m: m, impl: impl}
}

type instrumented struct {
	m    *Metrics
	impl ep.Implementation
}

var _ ep.Implementation = (*instrumented)(nil)

func (i *instrumented) Has(n ep.Name) bool { return i.impl.Has(n) }

func (i *instrumented) Run(ctx context.Context, req ep.Request) ep.Result {
	if req.EP == ep.Online || req.EP == ep.Offline {
		i.m.mu.Lock()
		t, ok := i.m.requested[req.Resource]
		delete(i.m.requested, req.Resource)
		i.m.mu.Unlock()
		if ok {
			i.m.queue.WithLabelValues(req.Type, string(req.EP)).Observe(i.m.clk.Now().Sub(t).Seconds())
		}
	}
	res := i.impl.Run(ctx, req)
	i.m.epSeconds.WithLabelValues(req.Type, string(req.EP)).Observe(res.Duration.Seconds())
	code := ""
	if res.Outcome == ep.Exited {
		code = strconv.Itoa(res.ExitCode)
	}
	i.m.epResults.WithLabelValues(req.Type, string(req.EP), res.Outcome.String(), code).Inc()
	return res
}
