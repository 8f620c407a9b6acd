// Package inproc runs an sdk.Agent inside the daemon as an
// ep.Implementation: no process per call. The built-in agents run this way,
// and the plugin host uses NewCall to turn a request into the same typed
// call it sends over gRPC.
//
//	ep.Request --NewCall(snapshot)--> sdk.Call --sdk.Dispatch--> agent method
//	     ^                                                            |
//	     +------------- ep.Result (exit code, output) <-- sdk.Reply <-+
//
// A call runs with the entry point's deadline in its context. At the
// deadline the call counts as timed out at once, as a script's would; the
// agent's goroutine is expected to return when its context ends (the
// built-in agents do), and until it does it is only logged, never killed:
// a Go call cannot be killed. A panic in the agent is recovered, logged
// with its stack in the agent log, and the call fails as an exec error.
package inproc
