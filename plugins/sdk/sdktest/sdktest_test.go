package sdktest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
	"github.com/vigil-ha/vigil/plugins/sdk/sdktest"
)

// fileAgent is a correct FileOnOff-like agent; its fields break it.
type fileAgent struct {
	path         string
	alwaysOnline bool
	onlineNoop   bool
	cleanFails   bool
}

func (a *fileAgent) Monitor(context.Context, *sdk.Resource) (sdk.State, int, error) {
	if _, err := os.Stat(a.path); err == nil || a.alwaysOnline {
		return sdk.Online, 100, nil
	}
	return sdk.Offline, 0, nil
}

func (a *fileAgent) Online(context.Context, *sdk.Resource) (int, error) {
	if a.onlineNoop {
		return 0, nil
	}
	return 0, os.WriteFile(a.path, nil, 0o644)
}

func (a *fileAgent) Offline(context.Context, *sdk.Resource) (int, error) {
	return 0, os.Remove(a.path)
}

func (a *fileAgent) Clean(context.Context, *sdk.Resource, sdk.CleanReason) error {
	if a.cleanFails {
		return os.ErrPermission
	}
	os.Remove(a.path)
	return nil
}

// chatty wraps an implementation and returns too much action output.
type chatty struct{ ep.Implementation }

func (c chatty) Has(n ep.Name) bool { return n == ep.Action || c.Implementation.Has(n) }

func (c chatty) Run(ctx context.Context, req ep.Request) ep.Result {
	if req.EP == ep.Action {
		return ep.Result{Outcome: ep.Exited, Output: []byte(strings.Repeat("x", 3000))}
	}
	return c.Implementation.Run(ctx, req)
}

// subject returns the helper's agent named broken: "correct", or broken
// in the named way.
func subject(t *testing.T, broken string) sdktest.Subject {
	dir := t.TempDir()
	cfg := sdktest.LoadConfig(t, `type F ( static str ArgList[] = { PathName }
	str PathName )
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
F f1 ( PathName = "`+dir+`/f" )
`, map[string]string{})
	a := &fileAgent{path: filepath.Join(dir, "f")}
	var impl ep.Implementation
	switch broken {
	case "always online":
		a.alwaysOnline = true
	case "online does nothing":
		a.onlineNoop = true
	case "clean fails":
		a.cleanFails = true
	}
	impl = inproc.New(a, inproc.Options{Type: cfg.Types["F"]})
	s := sdktest.Subject{Impl: impl, Config: cfg, Resource: "f1", Wait: time.Second}
	if broken == "action output over the cap" {
		s.Impl, s.Action = chatty{impl}, "talk"
	}
	return s
}

// TestBrokenHelper runs the suite on the subject named by SDKTEST_SUBJECT;
// TestSuiteCatchesBrokenAgents runs it in a child process.
func TestBrokenHelper(t *testing.T) {
	name, ok := os.LookupEnv("SDKTEST_SUBJECT")
	if !ok {
		t.Skip("helper of TestSuiteCatchesBrokenAgents")
	}
	sdktest.Run(t, subject(t, name))
}

// TestSuiteCatchesBrokenAgents: a correct agent passes; each broken one
// fails the behaviour that checks what it breaks.
func TestSuiteCatchesBrokenAgents(t *testing.T) {
	for _, tc := range []struct{ subject, fails string }{
		{"correct", ""},
		{"always online", "probe: monitor reports online, want offline"},
		{"online does nothing", "monitor reports offline, want online"},
		{"clean fails", "clean (reason 4): exited exit 1"},
		{"action output over the cap", "action output is 3000 bytes, over the 2048-byte cap"},
	} {
		t.Run(tc.subject, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenHelper$", "-test.v")
			cmd.Env = append(os.Environ(), "SDKTEST_SUBJECT="+tc.subject)
			out, err := cmd.CombinedOutput()
			switch {
			case tc.fails == "" && err != nil:
				t.Fatalf("correct agent failed the suite: %v\n%s", err, out)
			case tc.fails != "" && (err == nil || !strings.Contains(string(out), tc.fails)):
				t.Fatalf("suite on %q: %v, want a failure with %q\n%s", tc.subject, err, tc.fails, out)
			}
		})
	}
}
