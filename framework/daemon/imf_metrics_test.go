package daemon

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-ha/vigil/plugins/imf"
	"github.com/vigil-ha/vigil/plugins/imf/mount"
)

// TestIMFCollector: the IMF metrics read the manager at each scrape.
func TestIMFCollector(t *testing.T) {
	reg := imf.NewRegistry()
	reg.Register(mount.New(mount.Options{}))
	m := imf.NewManager(imf.ManagerOptions{Registry: reg})
	defer m.Close()
	pr := prometheus.NewRegistry()
	pr.MustRegister(newIMFCollector(m))
	fams, err := pr.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			v := mt.GetGauge().GetValue() + mt.GetCounter().GetValue()
			got[f.GetName()+"/"+mt.GetLabel()[0].GetValue()] = v
		}
	}
	for k, want := range map[string]float64{"vigil_imf_plugin_available/mount": 1, "vigil_imf_plugin_events_total/mount": 0,
		"vigil_imf_plugin_rescans_total/mount": 0} {
		if v, ok := got[k]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v; all %v", k, v, ok, want, got)
		}
	}
}
