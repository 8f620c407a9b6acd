package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
)

func TestMetrics(t *testing.T) {
	clk := clock.NewFake(time.Unix(1000, 0))
	m := New(clk)
	m.Observe(events.Event{Kind: events.KindState, Resource: "web1", Type: "Proc", Group: "g", From: "OFFLINE", To: "ONLINE|RESTARTING"})
	m.Observe(events.Event{Kind: events.KindState, Resource: "web1", Type: "Proc", Cause: "imf", To: "OFFLINE"})
	m.Observe(events.Event{Kind: events.KindGroupState, Group: "g", From: "PARTIAL", To: "ONLINE"})
	res := ep.Result{Outcome: ep.Exited, ExitCode: 110, Duration: 3 * time.Millisecond}
	at := clk.Now()
	// An earlier request of the same resource must not count: each run
	// carries its own queue time.
	m.ObserveRun(ep.Observation{Request: ep.Request{EP: ep.Online, Type: "Proc", Resource: "web1"}, Result: res,
		Queued: at, Started: at.Add(250 * time.Millisecond)})
	m.ObserveRun(ep.Observation{Request: ep.Request{EP: ep.Monitor, Type: "Proc", Resource: "web1"}, Result: res,
		Queued: at, Started: at.Add(time.Millisecond)})
	m.Lost("triggers", 7)
	m.ObserveMonitor("Proc", 400*time.Millisecond)
	m.Observe(events.Event{Kind: events.KindStatsSudden, Resource: "web1", Type: "Proc"})
	m.Observe(events.Event{Kind: events.KindStatsGradual, Resource: "web1", Type: "Proc"})
	m.Observe(events.Event{Kind: events.KindStatsSudden, Resource: "web1", Type: "Proc"})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	tests := []struct{ name, want string }{
		{"state offline now", `vigil_resource_state{group="",resource="web1",state="OFFLINE",type="Proc"} 1`},
		{"state online cleared", `vigil_resource_state{group="",resource="web1",state="ONLINE",type="Proc"} 0`},
		{"imf counted", `vigil_imf_events_total{type="Proc"} 1`},
		{"ep results", `vigil_entry_point_results_total{code="110",ep="monitor",outcome="exited",type="Proc"} 1`},
		{"queue delay", `vigil_queue_delay_seconds_sum{ep="online",type="Proc"} 0.25`},
		{"group state", `vigil_group_state{group="g",state="ONLINE"} 1`},
		{"ep duration", `vigil_entry_point_duration_seconds_count{ep="online",type="Proc"} 1`},
		{"monitor queue delay", `vigil_queue_delay_seconds_sum{ep="monitor",type="Proc"} 0.001`},
		{"lost events", `vigil_events_lost_total{subscriber="triggers"} 7`},
		{"monitor duration", `vigil_monitor_duration_seconds_sum{type="Proc"} 0.4`},
		{"sudden notifications", `vigil_stats_notifications_total{change="sudden",type="Proc"} 2`},
		{"gradual notifications", `vigil_stats_notifications_total{change="gradual",type="Proc"} 1`},
		{"faulted group state cleared", `vigil_group_state{group="g",state="ONLINE|FAULTED"} 0`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(text, tc.want) {
				t.Fatalf("missing %q", tc.want)
			}
		})
	}
}
