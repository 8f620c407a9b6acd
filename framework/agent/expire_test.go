package agent

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/events"
	"github.com/vigil-ha/vigil/framework/state"
)

// cleanDetails returns the details of the clean notifications.
func (rc *recorder) cleanDetails() string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, e := range rc.all {
		if e.Kind == events.KindClean {
			out = append(out, e.Detail)
		}
	}
	return strings.Join(out, "; ")
}

// TestExpireOffline covers the fencing deadline: a hung offline is killed
// and cleaned (reason 0), an offline that returned but did not take effect
// is cleaned (reason 1), a resource never asked is cleaned (reason 0), and
// under ManageFaults NONE the resource goes to ADMIN_WAIT instead.
func TestExpireOffline(t *testing.T) {
	cases := []struct {
		name    string
		statics map[string]string
		offline string // "hang" (until killed), "ineffective" (returns, monitor still online), "" (never asked)
		want    state.ResourceState
		clean   string
	}{
		{"hung offline", nil, "hang", state.ResourceState{State: state.Offline}, "clean (offline hung) succeeded"},
		{"ineffective offline", map[string]string{"OfflineWaitLimit": "3"}, "ineffective", state.ResourceState{State: state.Offline}, "clean (offline ineffective) succeeded"},
		{"never asked", nil, "", state.ResourceState{State: state.Offline}, "clean (offline hung) succeeded"},
		{"manage faults none", map[string]string{"ManageFaults": "NONE"}, "",
			state.ResourceState{State: state.Online, Flags: state.AdminWait}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ := testType(tc.statics)
			f := newOnlineFake(ep.Online, ep.Offline, ep.Clean)
			inner := f.run
			var killed atomic.Bool
			f.run = func(ctx context.Context, req ep.Request) ep.Result {
				switch {
				case req.EP == ep.Offline && tc.offline == "hang":
					<-ctx.Done()
					killed.Store(true)
					return ep.Result{Outcome: ep.Canceled, Err: ctx.Err()}
				case req.EP == ep.Offline && tc.offline == "ineffective":
					return ep.Result{} // returns, changes nothing
				}
				return inner(ctx, req)
			}
			a, rec := startAgent(t, typ, f, clock.NewFake(time.Unix(0, 0)), nil)
			a.Add(testResource(typ, "r"))
			settle(t, a)
			if err := a.Online("r"); err != nil {
				t.Fatal(err)
			}
			settle(t, a)
			if tc.offline != "" {
				if err := a.Offline("r"); err != nil {
					t.Fatal(err)
				}
				waitUntil(t, "offline running or returned", func() bool { return f.count(ep.Offline) == 1 })
			}
			if tc.offline == "ineffective" {
				settle(t, a) // offline returned, the monitor still says online: waiting
			}
			if err := a.ExpireOffline("r"); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "state "+tc.want.String(), func() bool {
				st, _ := a.Status("r")
				return st.State == tc.want
			})
			settle(t, a)
			if tc.offline == "hang" && !killed.Load() {
				t.Error("the hung offline was not ended")
			}
			if got := rec.cleanDetails(); got != tc.clean {
				t.Errorf("clean notifications %q, want %q", got, tc.clean)
			}
		})
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
