package state

import "testing"

func TestResourceStateText(t *testing.T) {
	cases := []struct {
		name string
		in   ResourceState
		text string
	}{
		{"unknown", ResourceState{}, "UNKNOWN"},
		{"probing", ResourceState{Unknown, Probing}, "UNKNOWN|PROBING"},
		{"cleaning restart", ResourceState{Offline, Cleaning | Restarting}, "OFFLINE|CLEANING|RESTARTING"},
		{"admin wait timed out", ResourceState{Online, AdminWait | MonitorTimedOut}, "ONLINE|ADMIN_WAIT|MONITOR_TIMEDOUT"},
		{"to offline", ResourceState{Online, WaitingToOffline}, "ONLINE|WAITING_TO_OFFLINE"},
		{"faulted", ResourceState{State: Faulted}, "FAULTED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.in.String(); got != c.text {
				t.Fatalf("String() = %q, want %q", got, c.text)
			}
			back, err := ParseResourceState(c.text)
			if err != nil || back != c.in {
				t.Fatalf("ParseResourceState(%q) = %v, %v; want %v", c.text, back, err, c.in)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "online", "ONLINE|", "ONLINE|BOGUS", "PARTIAL"} {
		if _, err := ParseResourceState(s); err == nil {
			t.Errorf("ParseResourceState(%q) accepted", s)
		}
	}
	for _, s := range []string{"", "ONLINE|ADMIN_WAIT", "FAULTED", "ONLINE|FAULTED|"} {
		if _, err := ParseGroupState(s); err == nil {
			t.Errorf("ParseGroupState(%q) accepted", s)
		}
	}
}

func TestGroupStateText(t *testing.T) {
	for _, g := range []GroupState{{GroupPartial, GroupFaulted}, {GroupOnline, 0}, {GroupOffline, GroupFaulted | GroupStopping}, {}} {
		back, err := ParseGroupState(g.String())
		if err != nil || back != g {
			t.Errorf("round trip of %v: %v, %v", g, back, err)
		}
	}
	if s := (GroupState{GroupPartial, GroupFaulted}).String(); s != "PARTIAL|FAULTED" {
		t.Errorf("String() = %q", s)
	}
}

func TestJoinText(t *testing.T) {
	if got := JoinText("ONLINE", nil); got != "ONLINE" {
		t.Errorf("JoinText without flags = %q", got)
	}
	st := ResourceState{Offline, Cleaning | Restarting}
	if got := JoinText(st.State.String(), st.Flags.Names()); got != st.String() {
		t.Errorf("JoinText = %q, String = %q", got, st.String())
	}
}
