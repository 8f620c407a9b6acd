package events

import "testing"

func TestCatalogueComplete(t *testing.T) {
	seen := map[int]Kind{}
	for _, k := range AllKinds() {
		id := k.MessageID()
		if id == 0 {
			t.Errorf("kind %q has no message id", k)
			continue
		}
		if o, dup := seen[id]; dup {
			t.Errorf("kinds %q and %q share message id %d", o, k, id)
		}
		seen[id] = k
	}
}

func TestLogSeverity(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Event
		want Severity
	}{
		{"state online", Event{Kind: KindState, To: "ONLINE"}, SevInfo},
		{"state faulted", Event{Kind: KindState, To: "FAULTED"}, SevError},
		{"fault", Event{Kind: KindFault}, SevError},
		{"monitor timeout", Event{Kind: KindMonitorTimeout}, SevWarning},
		{"clean ok", Event{Kind: KindClean, Detail: "clean (unexpected offline) succeeded"}, SevInfo},
		{"clean failed", Event{Kind: KindClean, Detail: "clean (unexpected offline) failed, attempt 1"}, SevError},
		{"online failed", Event{Kind: KindOnlineFailed}, SevError},
		{"agent error", Event{Kind: KindAgentError}, SevError},
		{"trigger ok", Event{Kind: KindTrigger, Detail: "r1 n1: exited 0"}, SevInfo},
		{"trigger failed", Event{Kind: KindTrigger, Detail: "r1 n1: exited 3"}, SevWarning},
		{"unknown kind", Event{Kind: "nope"}, SevInfo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LogSeverity(tc.e); got != tc.want {
				t.Errorf("LogSeverity = %s, want %s", got, tc.want)
			}
		})
	}
}
