package agent

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/resstate/scenario"
)

// TestScenariosFakeClock replays every scenario through the agent with a
// fake clock and scripted fake entry points; the engine states and
// notifications must match the pure state machine's run.
func TestScenariosFakeClock(t *testing.T) {
	scripts, err := scenario.Load(scenarioDir)
	if err != nil || len(scripts) == 0 {
		t.Fatalf("scenarios: %v (%d)", err, len(scripts))
	}
	for _, s := range scripts {
		t.Run(filepath.Base(s.Name), func(t *testing.T) {
			r := s.Resource()
			impl := newScripted(s)
			c := &trackingClock{Fake: clock.NewFake(scenario.Start)}
			rec := &recorder{}
			imf := newFakeIMF(s)
			a, err := New(Options{Type: r.Type, Impl: impl, Clock: c, Notify: rec.notify, IMF: imf})
			if err != nil {
				t.Fatal(err)
			}
			replay(t, s, a, r, rec, fakeDriver{scripted: impl, c: c}, imf, 10*time.Second)
		})
	}
}
