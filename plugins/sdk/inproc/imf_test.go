package inproc_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ha/vigil/framework/arglist"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/plugins/sdk"
	"github.com/vigil-ha/vigil/plugins/sdk/inproc"
)

// imfAgent is an agent with IMF whose notification stream is scripted.
type imfAgent struct {
	mu     sync.Mutex
	calls  []string
	stream func(ctx context.Context, notify func(string)) error
}

func (a *imfAgent) Monitor(context.Context, *sdk.Resource) (sdk.State, int, error) {
	return sdk.Offline, 0, nil
}

func (a *imfAgent) IMFRegister(_ context.Context, r *sdk.Resource, on, online bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, fmt.Sprintf("%s %v %v %s", r.Name, on, online, r.Attrs.Str("Name")))
	if r.Name == "b" {
		return errors.New("cannot watch b")
	}
	return nil
}

func (a *imfAgent) IMFNotifications(ctx context.Context, notify func(string)) error {
	return a.stream(ctx, notify)
}

// TestIMFInProcess: an in-process agent implementing sdk.IMF has
// imf_register (start/stop and the state from the argv, attributes typed)
// and imf_getnotification as a long-running stream whose end says how it
// ended: canceled, critical (ErrIMFUnavailable → exit 4), failed, or a
// panic.
func TestIMFInProcess(t *testing.T) {
	cfg := load(t)
	a := &imfAgent{}
	impl := inproc.New(a, inproc.Options{Type: cfg.Types["T"]})
	if !impl.Has(ep.IMFRegister) || !impl.Has(ep.IMFGetNotification) {
		t.Fatal("an agent implementing sdk.IMF lacks imf_register or imf_getnotification")
	}
	r := impl.Run(context.Background(), request(t, cfg, ep.IMFRegister, arglist.Extra{MonitorOn: true, StateOnline: true}, ""))
	if r.Outcome != ep.Exited || r.ExitCode != 0 {
		t.Fatalf("imf_register start online: %s exit %d (%v)", r.Outcome, r.ExitCode, r.Err)
	}
	r = impl.Run(context.Background(), request(t, cfg, ep.IMFRegister, arglist.Extra{MonitorOn: false, StateOnline: false}, ""))
	if r.ExitCode != 0 || len(a.calls) != 2 || a.calls[0] != "a true true alpha" || a.calls[1] != "a false false alpha" {
		t.Fatalf("imf_register calls %q (exit %d)", a.calls, r.ExitCode)
	}
	bad := ep.Request{EP: ep.IMFRegister, Type: "T", Resource: "a", Args: []string{"a", "begin", "online"}}
	if r := impl.Run(context.Background(), bad); r.Outcome != ep.ExecError {
		t.Fatalf("imf_register with argv %q: %s, want an exec error", bad.Args, r.Outcome)
	}

	start := func(stream func(ctx context.Context, notify func(string)) error) (ep.Long, chan string, context.CancelFunc) {
		a.stream = stream
		ctx, cancel := context.WithCancel(context.Background())
		lines := make(chan string, 10)
		l, err := impl.StartLong(ctx, ep.Request{EP: ep.IMFGetNotification, Type: "T"}, func(b []byte) { lines <- string(b) })
		if err != nil {
			t.Fatal(err)
		}
		return l, lines, cancel
	}
	result := func(l ep.Long) ep.Result {
		got := make(chan ep.Result, 1)
		go func() { got <- l.Result() }()
		select {
		case r := <-got:
			return r
		case <-time.After(30 * time.Second):
			t.Fatal("the stream did not end")
			return ep.Result{}
		}
	}
	l, lines, cancel := start(func(ctx context.Context, notify func(string)) error {
		notify("a")
		<-ctx.Done()
		return nil
	})
	if got := <-lines; got != "a" {
		t.Fatalf("line %q, want a", got)
	}
	cancel()
	if r := result(l); r.Outcome != ep.Canceled {
		t.Fatalf("canceled stream: %s", r.Outcome)
	}
	for _, tc := range []struct {
		err  error
		exit int
	}{
		{fmt.Errorf("no inotify: %w", sdk.ErrIMFUnavailable), ep.IMFCritical},
		{errors.New("read failed"), 1},
		{nil, 0},
	} {
		l, _, cancel := start(func(context.Context, func(string)) error { return tc.err })
		if r := result(l); r.Outcome != ep.Exited || r.ExitCode != tc.exit {
			t.Errorf("stream returning %v: %s exit %d, want exit %d", tc.err, r.Outcome, r.ExitCode, tc.exit)
		}
		cancel()
	}
	l, _, cancel = start(func(context.Context, func(string)) error { panic("boom") })
	defer cancel()
	if r := result(l); r.Outcome != ep.ExecError || !errors.Is(r.Err, inproc.ErrPanic) {
		t.Fatalf("panicking stream: %s %v", r.Outcome, r.Err)
	}
	if _, err := inproc.New(fake{}, inproc.Options{}).StartLong(context.Background(),
		ep.Request{EP: ep.IMFGetNotification}, func([]byte) {}); !errors.Is(err, sdk.ErrNotImplemented) {
		t.Fatalf("StartLong of an agent without IMF: %v", err)
	}
}
