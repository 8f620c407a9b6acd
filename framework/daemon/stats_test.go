package daemon

import (
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/stats"
)

// TestTimeStatsView: MonitorTimeStats as VCS shows it: Avg "0" and TS ""
// before the first average, then whole milliseconds and the log's time
// format.
func TestTimeStatsView(t *testing.T) {
	at := time.Date(2026, 11, 30, 6, 55, 7, 0, time.Local)
	tests := []struct {
		name string
		ts   stats.TimeStats
		want wire.MonitorTimeStats
	}{
		{"default", stats.TimeStats{}, wire.MonitorTimeStats{Avg: "0", TS: ""}},
		{"rounded to ms", stats.TimeStats{Avg: 405600 * time.Microsecond, TS: at}, wire.MonitorTimeStats{Avg: "406", TS: "2026/11/30 06:55:07"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := timeStatsView(tc.ts); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
