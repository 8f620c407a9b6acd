package wire

import "github.com/vigil-ha/vigil/framework/events"

// StateReply answers GET /v1/resources/{name}/state.
type StateReply struct {
	Resource string   `json:"resource"`
	State    string   `json:"state"`
	Flags    []string `json:"flags,omitempty"`
}

// ActionRequest is the body of POST /v1/resources/{name}/action.
type ActionRequest struct {
	Token string   `json:"token"`
	Args  []string `json:"args,omitempty"`
}

// ActionReply carries the action entry point's result.
type ActionReply struct {
	ExitCode int    `json:"exit_code"`
	Outcome  string `json:"outcome"`
	Output   string `json:"output"`
}

// ModifyRequest is the body of POST /v1/resources/{name}/modify.
type ModifyRequest struct {
	Attribute string   `json:"attribute"`
	Values    []string `json:"values"`
}

// OpRequest is the optional body of online/offline requests.
type OpRequest struct {
	// Wait makes the request return only once the steady state is reached
	// or the operation failed.
	Wait bool `json:"wait,omitempty"`
	// Timeout bounds the wait, as a Go duration ("90s"); empty = no bound.
	Timeout string `json:"timeout,omitempty"`
}

// ErrorReply is the body of every error answer.
type ErrorReply struct {
	Error string `json:"error"`
}

// OKReply answers commands that return nothing else.
type OKReply struct {
	OK bool `json:"ok"`
}

// Event is one line of the GET /v1/events stream (application/x-ndjson).
// It is the event bus's own type; its JSON shape is owned by
// framework/events.
type Event = events.Event
