package daemon

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-ha/vigil/plugins/imf"
)

// imfCollector exposes the IMF manager's state as metrics, read at each
// scrape: registered resources per type, and per plugin whether it is
// available and its event and rescan counters.
type imfCollector struct {
	m                                 *imf.Manager
	registered, available, evs, rescs *prometheus.Desc
}

var _ prometheus.Collector = (*imfCollector)(nil)

func newIMFCollector(m *imf.Manager) *imfCollector {
	return &imfCollector{m: m,
		registered: prometheus.NewDesc("vigil_imf_registered_resources", "Resources registered with IMF, by type and state.",
			[]string{"type", "state"}, nil),
		available: prometheus.NewDesc("vigil_imf_plugin_available", "1 when the IMF event plugin works here, 0 when its resources fall back to polling.",
			[]string{"plugin"}, nil),
		evs: prometheus.NewDesc("vigil_imf_plugin_events_total", "Events (process exits and starts, mount changes) an IMF plugin reported.",
			[]string{"plugin"}, nil),
		rescs: prometheus.NewDesc("vigil_imf_plugin_rescans_total", "Rescans after lost events (every resource of the plugin monitored).",
			[]string{"plugin"}, nil),
	}
}

// Describe sends the descriptors.
func (c *imfCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.registered, c.available, c.evs, c.rescs} {
		ch <- d
	}
}

// Collect reads the manager now.
func (c *imfCollector) Collect(ch chan<- prometheus.Metric) {
	count := map[[2]string]int{}
	for _, r := range c.m.Registrations() {
		st := "failed"
		if r.Registered {
			st = map[bool]string{true: "online", false: "offline"}[r.Online]
		}
		count[[2]string{r.Type, st}]++
	}
	for k, n := range count {
		ch <- prometheus.MustNewConstMetric(c.registered, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	for _, p := range c.m.Plugins() {
		av := 0.0
		if p.Available {
			av = 1
		}
		ch <- prometheus.MustNewConstMetric(c.available, prometheus.GaugeValue, av, p.Name)
		ch <- prometheus.MustNewConstMetric(c.evs, prometheus.CounterValue, float64(p.Events), p.Name)
		ch <- prometheus.MustNewConstMetric(c.rescs, prometheus.CounterValue, float64(p.Rescans), p.Name)
	}
}
