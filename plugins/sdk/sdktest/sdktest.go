package sdktest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// ActionOutputCap is the most an action may return (VCS's 2048 bytes).
const ActionOutputCap = 2048

// Subject is one agent under test and the resource it is tested on.
type Subject struct {
	// Impl runs the entry points.
	Impl ep.Implementation
	// Config holds the resource (see LoadConfig).
	Config *model.Config
	// Resource names the resource the suite drives. It must start in
	// ProbeState.
	Resource string
	// ProbeState is what the first monitor must report: ep.StateOffline
	// (the default) or, for persistent resources, ep.StateOnline.
	ProbeState ep.MonitorState
	// Action, when set, is the action token the suite runs.
	Action string
	// Wait bounds waiting for a state after online or offline (default
	// 10 s): monitors are repeated until the state shows or Wait passes.
	Wait time.Duration
	// IMFChange, for an agent with IMF (imf_register and
	// imf_getnotification), changes the online resource's state behind
	// the agent's back (removes the file, kills the process); the suite
	// then expects a notification naming the resource. Nil checks only
	// that registering and the notification stream behave.
	IMFChange func(t *testing.T)
}

// LoadConfig writes main.cf (which may include "types.cf" for the
// standard types) and extra files into a temporary directory and loads it.
func LoadConfig(t testing.TB, mainCf string, files map[string]string) *model.Config {
	t.Helper()
	dir := t.TempDir()
	files["main.cf"] = mainCf
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatalf("configuration: %v", err)
	}
	return cfg
}

// suite drives one subject.
type suite struct {
	s   Subject
	res *model.Resource
	ops string
}

// Run runs the conformance table on s.
func Run(t *testing.T, s Subject) {
	t.Helper()
	res := s.Config.Resources[s.Resource]
	if res == nil {
		t.Fatalf("resource %q is not in the configuration", s.Resource)
	}
	if s.Wait <= 0 {
		s.Wait = 10 * time.Second
	}
	ops, _ := res.Type.StaticValue("Operations")
	st := &suite{s: s, res: res, ops: ops.Scalar}
	for _, b := range behaviours {
		t.Run(b.name, func(t *testing.T) {
			if why := st.skip(b); why != "" {
				t.Skip(why)
			}
			b.run(t, st)
		})
	}
}

// behaviour is one row of the table.
type behaviour struct {
	name    string
	needs   []ep.Name
	onOff   bool // only for types that can be brought online
	offline bool // only for types with offline (OnOff)
	run     func(t *testing.T, s *suite)
}

// skip returns why b does not apply to the subject, or "".
func (s *suite) skip(b behaviour) string {
	if (b.onOff || b.offline) && s.ops == "None" {
		return "the type is persistent (Operations None)"
	}
	if b.offline && s.ops == "OnOnly" {
		return "the type has no offline (Operations OnOnly)"
	}
	for _, n := range b.needs {
		if !s.s.Impl.Has(n) {
			return fmt.Sprintf("the agent does not implement %s", n)
		}
	}
	return ""
}

// run runs one entry point with the request the daemon would build.
func (s *suite) run(t *testing.T, name ep.Name, x arglist.Extra, token string) ep.Result {
	t.Helper()
	req, err := agent.BuildRequest(agent.RequestSpec{EP: name, Resource: s.res, Config: s.s.Config,
		Version: arglist.V50, Extra: x, Action: token, Cycle: 1})
	if err != nil {
		t.Fatalf("build %s request: %v", name, err)
	}
	return s.s.Impl.Run(context.Background(), req)
}

// monitor runs monitor and returns its meaning.
func (s *suite) monitor(t *testing.T) (ep.MonitorState, int) {
	t.Helper()
	return ep.InterpretMonitor(s.run(t, ep.Monitor, arglist.Extra{}, ""))
}

// waitState repeats monitor until it reports want or s.Wait passes.
func (s *suite) waitState(t *testing.T, want ep.MonitorState) int {
	t.Helper()
	deadline := time.Now().Add(s.s.Wait)
	for {
		got, conf := s.monitor(t)
		if got == want {
			return conf
		}
		if time.Now().After(deadline) {
			t.Fatalf("monitor reports %s, want %s (waited %s)", got, want, s.s.Wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// done checks that online or offline returned as an entry point should.
func done(t *testing.T, name ep.Name, r ep.Result) {
	t.Helper()
	if r.Outcome != ep.Exited {
		t.Fatalf("%s: %s (%v), want a return", name, r.Outcome, r.Err)
	}
}

var behaviours = []behaviour{
	{name: "probe", needs: []ep.Name{ep.Monitor}, run: func(t *testing.T, s *suite) {
		want := s.s.ProbeState
		if want == ep.StateUnknown {
			want = ep.StateOffline
		}
		if got, _ := s.monitor(t); got != want {
			t.Fatalf("probe: monitor reports %s, want %s", got, want)
		}
	}},
	{name: "online", needs: []ep.Name{ep.Online}, onOff: true, run: func(t *testing.T, s *suite) {
		r := s.run(t, ep.Online, arglist.Extra{}, "")
		done(t, ep.Online, r)
		if r.ExitCode < 0 || r.ExitCode > 3600 {
			t.Fatalf("online exit %d, want 0..3600 (seconds to wait)", r.ExitCode)
		}
	}},
	{name: "monitor online", needs: []ep.Name{ep.Online}, onOff: true, run: func(t *testing.T, s *suite) {
		if conf := s.waitState(t, ep.StateOnline); conf < 10 || conf > 100 {
			t.Fatalf("confidence %d, want 10..100", conf)
		}
	}},
	{name: "info", needs: []ep.Name{ep.Info}, onOff: true, run: func(t *testing.T, s *suite) {
		r := s.run(t, ep.Info, arglist.Extra{ResInfoOp: 1}, "")
		if r.Outcome != ep.Exited || r.ExitCode != 0 {
			t.Fatalf("info: %s exit %d (%v)", r.Outcome, r.ExitCode, r.Err)
		}
	}},
	{name: "action", needs: []ep.Name{ep.Action}, run: func(t *testing.T, s *suite) {
		if s.s.Action == "" {
			t.Skip("the subject names no action token")
		}
		r := s.run(t, ep.Action, arglist.Extra{ActionArgs: []string{"a1", "a 2"}}, s.s.Action)
		if r.Outcome != ep.Exited {
			t.Fatalf("action %s: %s (%v)", s.s.Action, r.Outcome, r.Err)
		}
		if len(r.Output) > ActionOutputCap {
			t.Fatalf("action output is %d bytes, over the %d-byte cap", len(r.Output), ActionOutputCap)
		}
	}},
	{name: "attr_changed", needs: []ep.Name{ep.AttrChanged}, run: func(t *testing.T, s *suite) {
		r := s.run(t, ep.AttrChanged, arglist.Extra{ChangedRes: s.res.Name, ChangedAttr: s.res.Type.ArgList()[0],
			NewValue: model.ScalarValue("x")}, "")
		if r.Outcome != ep.Exited {
			t.Fatalf("attr_changed: %s (%v)", r.Outcome, r.Err)
		}
	}},
	{name: "imf", needs: []ep.Name{ep.Online, ep.IMFRegister, ep.IMFGetNotification}, onOff: true, run: imfBehaviour},
	{name: "offline", needs: []ep.Name{ep.Offline}, offline: true, run: func(t *testing.T, s *suite) {
		done(t, ep.Offline, s.run(t, ep.Offline, arglist.Extra{}, ""))
	}},
	{name: "monitor offline", needs: []ep.Name{ep.Offline}, offline: true, run: func(t *testing.T, s *suite) {
		s.waitState(t, ep.StateOffline)
	}},
	{name: "clean", needs: []ep.Name{ep.Online, ep.Clean}, onOff: true, run: func(t *testing.T, s *suite) {
		done(t, ep.Online, s.run(t, ep.Online, arglist.Extra{}, ""))
		s.waitState(t, ep.StateOnline)
		r := s.run(t, ep.Clean, arglist.Extra{CleanReason: 4}, "")
		if r.Outcome != ep.Exited || r.ExitCode != 0 {
			t.Fatalf("clean (reason 4): %s exit %d (%v), want success", r.Outcome, r.ExitCode, r.Err)
		}
		s.waitState(t, ep.StateOffline)
	}},
	{name: "timeouts", needs: []ep.Name{ep.Monitor}, run: func(t *testing.T, s *suite) {
		req, err := agent.BuildRequest(agent.RequestSpec{EP: ep.Monitor, Resource: s.res, Config: s.s.Config,
			Version: arglist.V50, Cycle: 1})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
		defer cancel()
		<-ctx.Done()
		got := make(chan ep.Result, 1)
		go func() { got <- s.s.Impl.Run(ctx, req) }()
		select {
		case r := <-got:
			if r.Outcome != ep.TimedOut && r.Outcome != ep.Canceled && r.Outcome != ep.Exited {
				t.Fatalf("monitor past its deadline: %s (%v)", r.Outcome, r.Err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("monitor past its deadline did not return within 30 s")
		}
	}},
}

// imfBehaviour: with the resource online, imf_register start online
// succeeds; the notification stream runs until canceled and, when the
// subject can change the resource behind the agent's back, names it;
// imf_register stop succeeds. The resource is online again afterwards.
func imfBehaviour(t *testing.T, s *suite) {
	long, ok := s.s.Impl.(ep.LongStarter)
	if !ok {
		t.Fatal("the agent has imf_getnotification but its implementation cannot start it (ep.LongStarter)")
	}
	s.waitState(t, ep.StateOnline)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	named := make(chan string, 100)
	stream, err := long.StartLong(ctx, ep.Request{EP: ep.IMFGetNotification, Type: s.res.Type.Name,
		Args: []string{s.res.Type.Name}}, func(line []byte) {
		select {
		case named <- string(line):
		default:
		}
	})
	if err != nil {
		t.Fatalf("imf_getnotification: %v", err)
	}
	if r := s.run(t, ep.IMFRegister, arglist.Extra{MonitorOn: true, StateOnline: true}, ""); r.Outcome != ep.Exited || r.ExitCode != 0 {
		t.Fatalf("imf_register start online: %s exit %d (%v)", r.Outcome, r.ExitCode, r.Err)
	}
	if s.s.IMFChange != nil {
		s.s.IMFChange(t)
		deadline := time.After(s.s.Wait)
	wait:
		for {
			select {
			case line := <-named:
				if f := strings.Fields(line); len(f) > 0 && f[0] == s.res.Name {
					break wait
				}
			case <-deadline:
				t.Fatalf("no notification naming %s within %s of the change", s.res.Name, s.s.Wait)
			}
		}
	}
	if r := s.run(t, ep.IMFRegister, arglist.Extra{MonitorOn: false, StateOnline: true}, ""); r.Outcome != ep.Exited || r.ExitCode != 0 {
		t.Fatalf("imf_register stop online: %s exit %d (%v)", r.Outcome, r.ExitCode, r.Err)
	}
	cancel()
	ended := make(chan ep.Result, 1)
	go func() { ended <- stream.Result() }()
	select {
	case r := <-ended:
		if r.Outcome == ep.Exited && r.ExitCode != 0 {
			t.Fatalf("the notification stream failed when canceled: exit %d (%v)", r.ExitCode, r.Err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the notification stream did not end within 30 s of its cancel")
	}
	if s.s.IMFChange != nil { // the change took the resource away: bring it back
		done(t, ep.Online, s.run(t, ep.Online, arglist.Extra{}, ""))
		s.waitState(t, ep.StateOnline)
	}
}
