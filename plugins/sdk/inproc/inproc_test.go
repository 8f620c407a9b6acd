package inproc_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/vigil-ha/vigil/framework/agent"
	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

// fake is an agent made of function fields.
type fake struct {
	monitor func(context.Context, *sdk.Resource) (sdk.State, int, error)
	action  func(context.Context, *sdk.Resource, string, []string) (string, error)
}

func (f fake) Monitor(ctx context.Context, r *sdk.Resource) (sdk.State, int, error) {
	return f.monitor(ctx, r)
}

func (f fake) Action(ctx context.Context, r *sdk.Resource, tok string, args []string) (string, error) {
	return f.action(ctx, r, tok, args)
}

const mainCf = `
type T (
	static str ArgList[] = { Name, Count, On, Items, Keys, Map, Peer, "Peer:Name" }
	str Name
	int Count
	boolean On
	str Items[]
	keylist Keys
	str Map{}
	str Peer
)
cluster c ( )
system s1 ( )
group g ( SystemList = { s1 = 0 } )
T a ( Name = alpha
	Count = 3
	On = 1
	Items = { x, "y z" }
	Keys = { k1, k2 }
	Map = { a = 1, b = 2 }
	Peer = b )
T b ( Name = beta )
`

func load(t *testing.T) *model.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.cf"), []byte(mainCf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func request(t *testing.T, cfg *model.Config, name ep.Name, x arglist.Extra, token string) ep.Request {
	t.Helper()
	req, err := agent.BuildRequest(agent.RequestSpec{EP: name, Resource: cfg.Resources["a"], Config: cfg,
		Version: arglist.V50, Extra: x, Action: token})
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestTypedAttributes: the snapshot and the argv-only decoding give the
// same typed attributes, Ref:Attr included.
func TestTypedAttributes(t *testing.T) {
	cfg := load(t)
	var got sdk.Attrs
	impl := inproc.New(fake{monitor: func(_ context.Context, r *sdk.Resource) (sdk.State, int, error) {
		got = r.Attrs
		return sdk.Online, 0, nil
	}}, inproc.Options{Type: cfg.Types["T"]})
	for _, tc := range []struct {
		name     string
		snapshot bool
	}{{"from snapshot", true}, {"from argv", false}} {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, cfg, ep.Monitor, arglist.Extra{}, "")
			if !tc.snapshot {
				req.Snapshot = nil
			}
			res := impl.Run(context.Background(), req)
			if res.Outcome != ep.Exited || res.ExitCode != 110 {
				t.Fatalf("monitor: %s exit %d (%v), want exit 110", res.Outcome, res.ExitCode, res.Err)
			}
			checks := []struct {
				ok   bool
				what string
			}{
				{got.Str("Name") == "alpha", "Name"},
				{got.Int("Count") == 3, "Count"},
				{got.Bool("On"), "On"},
				{strings.Join(got.List("Items"), "|") == "x|y z", "Items"},
				{strings.Join(got.List("Keys"), "|") == "k1|k2", "Keys"},
				{len(got.Assoc("Map")) == 2 && got.Assoc("Map")[1] == sdk.KV{Key: "b", Value: "2"}, "Map"},
				{got.Str("Peer:Name") == "beta", "Peer:Name"},
			}
			for _, c := range checks {
				if !c.ok {
					t.Errorf("attribute %s wrong: %+v", c.what, got)
				}
			}
			if a, _ := got.Get("Count"); tc.snapshot && a.Kind != sdk.Int {
				t.Errorf("Count kind %v, want Int", a.Kind)
			}
		})
	}
}

// TestRunOutcomes: deadline, panic, action arguments and output cap, and
// an entry point the agent lacks.
func TestRunOutcomes(t *testing.T) {
	cfg := load(t)
	core, logs := observer.New(zap.DebugLevel)
	var gotArgs []string
	impl := inproc.New(fake{
		monitor: func(ctx context.Context, r *sdk.Resource) (sdk.State, int, error) {
			switch r.Attrs.Str("Name") {
			case "hang":
				<-ctx.Done()
				return sdk.Unknown, 0, ctx.Err()
			case "panic":
				panic("boom")
			}
			return sdk.Offline, 0, nil
		},
		action: func(_ context.Context, _ *sdk.Resource, tok string, args []string) (string, error) {
			gotArgs = append([]string{tok}, args...)
			return strings.Repeat("x", 5000), nil
		},
	}, inproc.Options{Type: cfg.Types["T"], Logger: zap.New(core)})

	with := func(name string) ep.Request {
		c := cfg.Clone()
		c.Resources["a"].Values["Name"] = model.ScalarValue(name)
		req := request(t, c, ep.Monitor, arglist.Extra{}, "")
		req.Timeout = 50 * time.Millisecond
		return req
	}
	if r := impl.Run(context.Background(), with("hang")); r.Outcome != ep.TimedOut {
		t.Errorf("hanging monitor: %s, want timed out", r.Outcome)
	}
	r := impl.Run(context.Background(), with("panic"))
	if r.Outcome != ep.ExecError || !errors.Is(r.Err, inproc.ErrPanic) {
		t.Errorf("panicking monitor: %s (%v), want exec error wrapping ErrPanic", r.Outcome, r.Err)
	}
	if logs.FilterMessageSnippet("panicked: boom").Len() != 1 {
		t.Errorf("panic not in the agent log: %v", logs.All())
	}
	r = impl.Run(context.Background(), request(t, cfg, ep.Action, arglist.Extra{ActionArgs: []string{"1", "two words"}}, "tok"))
	if r.Outcome != ep.Exited || len(r.Output) != inproc.ActionOutputCap {
		t.Errorf("action: %s, %d bytes of output, want exited with %d", r.Outcome, len(r.Output), inproc.ActionOutputCap)
	}
	if strings.Join(gotArgs, "|") != "tok|1|two words" {
		t.Errorf("action got %q", gotArgs)
	}
	if impl.Has(ep.Online) {
		t.Error("Has(online) for an agent without Online")
	}
	r = impl.Run(context.Background(), request(t, cfg, ep.Online, arglist.Extra{}, ""))
	if r.Outcome != ep.ExecError || !errors.Is(r.Err, sdk.ErrNotImplemented) {
		t.Errorf("online: %s (%v), want ErrNotImplemented", r.Outcome, r.Err)
	}
}
