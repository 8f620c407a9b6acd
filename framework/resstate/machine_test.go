package resstate

import (
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
)

var update = flag.Bool("update", false, "rewrite docs/state-machine.md's table")

func fullParams() Params {
	return Params{Unit: time.Second, MonitorInterval: 10 * time.Second, OfflineMonitorInterval: 20 * time.Second,
		MonitorTimeout: 5 * time.Second, ConfInterval: 100 * time.Second, MonitorTimeoutReset: time.Hour,
		OnlineWaitLimit: 1, RestartLimit: 1, ToleranceLimit: 1, FaultOnMonitorTimeouts: 2, Operations: OpsOnOff,
		IMFMode: 3, MonitorFreq: 2, RegisterRetryLimit: 2,
		EPs: map[ep.Name]bool{ep.Monitor: true, ep.Online: true, ep.Offline: true, ep.Clean: true, ep.Open: true,
			ep.Close: true}}
}

// eventsFor returns the variants of an event kind worth walking.
func eventsFor(k Kind, now time.Time) []Event {
	switch k {
	case MonitorResult:
		var out []Event
		for _, s := range []ep.MonitorState{ep.StateOnline, ep.StateOffline, ep.StateUnknown, ep.StateIntentionalOffline} {
			out = append(out, Event{Kind: k, Now: now, Monitor: s, Confidence: 100})
		}
		return out
	case CleanDone, IMFResult:
		return []Event{{Kind: k, Now: now, OK: true}, {Kind: k, Now: now, OK: false}}
	}
	return []Event{{Kind: k, Now: now}}
}

// TestEveryPair walks every (state, event) pair in several machine setups:
// a pair in the table must succeed and land in a declared state; any other
// pair must fail with ErrIllegal and change nothing.
func TestEveryPair(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	setups := map[string]func(*Params){
		"full":               func(*Params) {},
		"no clean":           func(p *Params) { delete(p.EPs, ep.Clean); delete(p.EPs, ep.Open); delete(p.EPs, ep.Close) },
		"manage faults none": func(p *Params) { p.ManageFaultsNone = true },
		"zero limits":        func(p *Params) { p.RestartLimit, p.ToleranceLimit, p.OnlineWaitLimit = 0, 0, 0 },
		"intentional":        func(p *Params) { p.IntentionalOffline = true; p.CleanRetryLimit = 1 },
	}
	for name, tweak := range setups {
		t.Run(name, func(t *testing.T) {
			p := fullParams()
			tweak(&p)
			for _, s := range States() {
				for _, k := range Kinds() {
					for _, e := range eventsFor(k, now) {
						for _, reason := range []CleanReason{OfflineHung, OnlineIneffective, UnexpectedOffline, MonitorHung} {
							m := New(p)
							m.st, m.reason, m.restarting = s, reason, reason == OnlineIneffective
							m.imfRegistered = s == Online || s == Offline
							_, err := m.Step(e)
							tr, legal := table[s][k]
							switch {
							case legal && err != nil:
								t.Errorf("%s + %s (reason %s): %v", s, k, reason, err)
							case legal && !slices.Contains(tr.to, m.st):
								t.Errorf("%s + %s: undeclared state %s", s, k, m.st)
							case !legal && !errors.Is(err, ErrIllegal):
								t.Errorf("%s + %s: want ErrIllegal, got %v", s, k, err)
							case !legal && m.st != s:
								t.Errorf("%s + %s: illegal event moved the state to %s", s, k, m.st)
							}
						}
					}
				}
			}
		})
	}
}

// TestTableComplete checks every declared target is a real state and that
// every state has at least one way out.
func TestTableComplete(t *testing.T) {
	for _, s := range States() {
		row, ok := table[s]
		if !ok || len(row) == 0 {
			t.Errorf("state %s has no transitions", s)
		}
		for k, tr := range row {
			if len(tr.to) == 0 {
				t.Errorf("%s + %s declares no target", s, k)
			}
		}
	}
}

func TestOperationsRefused(t *testing.T) {
	cases := []struct {
		name, ops string
		kind      Kind
		from      State
	}{
		{"OnOnly offline", OpsOnOnly, OfflineRequested, Online},
		{"None online", OpsNone, OnlineRequested, Offline},
		{"None offline", OpsNone, OfflineRequested, Online},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := fullParams()
			p.Operations = c.ops
			m := New(p)
			m.st = c.from
			if _, err := m.Step(Event{Kind: c.kind}); !errors.Is(err, ErrNotSupported) {
				t.Fatalf("want ErrNotSupported, got %v", err)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range States() {
		n := s.String()
		if strings.HasPrefix(n, "State(") || seen[n] {
			t.Errorf("state %d: missing or duplicate name %q", int(s), n)
		}
		seen[n] = true
	}
	for _, k := range Kinds() {
		if n := k.String(); strings.HasPrefix(n, "Kind(") || seen[n] {
			t.Errorf("kind %d: missing or duplicate name %q", int(k), n)
		}
	}
	if got := State(99).String(); got != "State(99)" {
		t.Errorf("State(99) = %q", got)
	}
}
