// Package wire holds the JSON shapes of the local API's /v1/ requests and
// answers: the views of resources, groups and types the engine builds, the
// bodies clients send (OpRequest, ActionRequest, ModifyRequest) and the
// small replies the server writes (StateReply, ActionReply, OKReply,
// ErrorReply, IMFWatch). The server (framework/api), its Go client and the
// CLI all speak these types, so the CLI needs neither the engine nor the
// server to decode an answer.
//
// It owns the field names and JSON tags, which docs/api.md documents and
// the end-to-end tests compare byte for byte: change them only together
// with both. It owns nothing else: no routes, no HTTP, no behaviour. The
// event stream's items are the bus's own type, events.Event, re-exported
// here as Event; their shape belongs to framework/events.
package wire
