package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/state"
)

// TestModifyWhileReading changes one attribute of a resource over and over
// while faults, clears, group walks, resource commands and views read the
// engine's resources, and a dump reads the whole configuration. Under
// -race it fails if any reader takes an attribute the engine is replacing;
// everywhere it checks that the last value set is the one every reader
// ends up with.
func TestModifyWhileReading(t *testing.T) {
	tests := []struct {
		name, res, attr string
		values          []string
		// check reports whether the resource's view shows value v.
		check func(v wire.ResourceView, value string) bool
	}{
		{"Critical of a faulting leaf", "ip", "Critical", []string{"0", "1"},
			func(v wire.ResourceView, s string) bool { return v.Critical == (s == "1") }},
		{"Enabled of a required resource", "disk", "Enabled", []string{"0", "1"},
			func(v wire.ResourceView, s string) bool { return v.Enabled == (s == "1") }},
		{"a static override of a parent", "app", "MonitorInterval", []string{"5", "6"}, nil},
		{"a type attribute", "db", "Port", []string{"1", "2", "3"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			w.delay = 100 * time.Microsecond
			dump := func(cfg *model.Config, _ string) error {
				for _, r := range cfg.Resources { // as config.Dump prints them
					for _, n := range []string{"Critical", "Enabled", "MonitorInterval", "Port"} {
						r.Attr(n)
					}
				}
				return nil
			}
			e := start(t, tree().set("log", "Critical", "0").cfg, w, dump)
			waitFor(t, "group online", groupIs(e, "g", state.GroupOnline))

			// Each reader makes passes passes while the attribute keeps
			// changing; then the changes stop.
			const passes = 15
			var wg sync.WaitGroup
			readers := map[string]func(){
				"views": func() {
					e.Status()
					e.Resources()
					e.Resource(tc.res)
					e.Value(tc.res, tc.attr)
				},
				"faults": func() {
					w.set("ip", state.Faulted, "monitor", "fault")
					e.Clear("ip")
				},
				"walks": func() {
					ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
					defer cancel()
					e.OnlineGroup(ctx, "g", true)
					e.OfflineResource(ctx, "log", true)
					e.OnlineResource(ctx, "log", true)
				},
			}
			for _, read := range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range passes {
						read()
					}
				}()
			}
			read := make(chan struct{})
			go func() { wg.Wait(); close(read) }()
			last, rounds := "", 0
			for done := false; !done; rounds++ {
				select {
				case <-read:
					done = true
				default:
				}
				last = tc.values[rounds%len(tc.values)]
				if err := e.Modify(tc.res, tc.attr, []string{last}); err != nil {
					t.Fatalf("modify %s.%s = %s: %v", tc.res, tc.attr, last, err)
				}
			}
			t.Logf("%d modifications during %d passes of each reader", rounds, passes)

			got, err := e.Value(tc.res, tc.attr)
			if err != nil || fmt.Sprint(got.Values) != fmt.Sprint([]string{last}) {
				t.Fatalf("value of %s.%s = %v, %v; want [%s]", tc.res, tc.attr, got.Values, err, last)
			}
			if v, _ := e.Resource(tc.res); tc.check != nil && !tc.check(v, last) {
				t.Fatalf("view of %s = enabled %v critical %v; want %s = %s", tc.res, v.Enabled, v.Critical, tc.attr, last)
			}
		})
	}
}
