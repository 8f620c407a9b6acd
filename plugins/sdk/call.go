package sdk

import (
	"context"
	"fmt"
)

// Exit codes a Reply carries, with the meaning scripts give them.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitOffline = 100
	ExitUnknown = 99
	ExitIntOff  = 200
)

// Call is one entry-point call as the framework hands it to an agent,
// in-process or over the plugin protocol.
type Call struct {
	EP          EntryPoint
	Resource    *Resource
	CleanReason CleanReason // clean
	InfoOp      InfoOp      // info
	Token       string      // action
	Args        []string    // action arguments
	Change      AttrChange  // attr_changed
	IMFOn       bool        // imf_register: start (true) or stop watching
	IMFOnline   bool        // imf_register: the state watched for a change from
}

// Reply is what an entry point returned, in the script convention: monitor
// 100 offline, 101..110 online with confidence, 99 unknown, 200
// intentional offline; online/offline the seconds to wait; others 0 for
// success. Output is what a script would have printed (action, info,
// errors).
type Reply struct {
	ExitCode int
	Output   string
}

// Dispatch calls the method of a that implements c.EP and turns its return
// values into a Reply. An entry point a does not implement gives an error
// wrapping ErrNotImplemented. Errors the agent returns become a failing
// exit code (or Unknown for monitor) and are logged on c.Resource.Log.
func Dispatch(ctx context.Context, a Agent, c Call) (Reply, error) {
	r := c.Resource
	fail := func(err error, code int) Reply {
		r.Log.Error(fmt.Sprintf("%s failed: %v", c.EP, err))
		return Reply{ExitCode: code, Output: err.Error()}
	}
	switch c.EP {
	case EPMonitor:
		st, conf, err := a.Monitor(ctx, r)
		if err != nil {
			return fail(err, ExitUnknown), nil
		}
		return Reply{ExitCode: MonitorExit(st, conf)}, nil
	case EPOnline:
		if x, ok := a.(Onliner); ok {
			w, err := x.Online(ctx, r)
			return waitReply(w, err, fail), nil
		}
	case EPOffline:
		if x, ok := a.(Offliner); ok {
			w, err := x.Offline(ctx, r)
			return waitReply(w, err, fail), nil
		}
	case EPClean:
		if x, ok := a.(Cleaner); ok {
			return errReply(x.Clean(ctx, r, c.CleanReason), fail), nil
		}
	case EPAction:
		if x, ok := a.(Actioner); ok {
			out, err := x.Action(ctx, r, c.Token, c.Args)
			if err != nil {
				rep := fail(err, ExitFailed)
				rep.Output = out + rep.Output
				return rep, nil
			}
			return Reply{Output: out}, nil
		}
	case EPInfo:
		if x, ok := a.(Informer); ok {
			out, err := x.Info(ctx, r, c.InfoOp)
			if err != nil {
				return fail(err, ExitFailed), nil
			}
			return Reply{Output: out}, nil
		}
	case EPOpen:
		if x, ok := a.(Opener); ok {
			return errReply(x.Open(ctx, r), fail), nil
		}
	case EPClose:
		if x, ok := a.(Closer); ok {
			return errReply(x.Close(ctx, r), fail), nil
		}
	case EPAttrChanged:
		if x, ok := a.(AttrChanger); ok {
			return errReply(x.AttrChanged(ctx, r, c.Change), fail), nil
		}
	case EPShutdown:
		if x, ok := a.(Shutdowner); ok {
			return errReply(x.Shutdown(ctx, r), fail), nil
		}
	case EPIMFRegister:
		if x, ok := a.(IMF); ok {
			return errReply(x.IMFRegister(ctx, r, c.IMFOn, c.IMFOnline), fail), nil
		}
	}
	return Reply{}, fmt.Errorf("%s of type %q: %w", c.EP, r.Type, ErrNotImplemented)
}

func waitReply(w int, err error, fail func(error, int) Reply) Reply {
	if err != nil {
		return fail(err, ExitOK)
	}
	if w < 0 || w > 3600 {
		w = 0
	}
	return Reply{ExitCode: w}
}

func errReply(err error, fail func(error, int) Reply) Reply {
	if err != nil {
		return fail(err, ExitFailed)
	}
	return Reply{}
}

// MonitorExit returns the script exit code of a monitor state: 100
// offline, 101..110 online by confidence (rounded down to tens, at least
// 10; 0 or anything over 100 means full confidence, as a script's plain
// `exit $VCSAG_RES_ONLINE` does), 99 unknown, 200 intentional offline.
func MonitorExit(s State, confidence int) int {
	switch s {
	case Online:
		c := confidence / 10
		switch {
		case confidence <= 0 || confidence > 100:
			c = 10
		case c < 1:
			c = 1
		}
		return 100 + c
	case Offline:
		return ExitOffline
	case IntentionalOffline:
		return ExitIntOff
	}
	return ExitUnknown
}
