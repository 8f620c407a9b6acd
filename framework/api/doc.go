// Package api is vigil's local API: HTTP+JSON on a Unix socket, versioned
// under /v1/, served by the daemon and used by every CLI command. The socket
// is created with mode 0600 and every connection's peer credentials
// (SO_PEERCRED) are checked: only root and the daemon's own user may talk
// to it, and a connection whose credentials cannot be read is refused.
//
// It owns the routes, the JSON error format ({"error": "..."} with an HTTP
// status derived from the engine's sentinel errors) and the Go client; the
// JSON shapes of requests and answers are in the wire subpackage, so that
// clients need not import the engine. It does not decide anything: every
// request is handed to a Backend (the engine) and the event bus.
//
// Endpoints (see docs/api.md):
//
//	GET  /v1/status
//	GET  /v1/resources              GET  /v1/resources/{name}
//	GET  /v1/resources/{name}/state GET  /v1/resources/{name}/attrs/{attr}
//	POST /v1/resources/{name}/{online|offline|probe|clear|refreshinfo|action|modify}
//	GET  /v1/groups                 GET  /v1/groups/{name}
//	POST /v1/groups/{name}/{online|offline}
//	GET  /v1/types                  GET  /v1/types/{name}
//	GET  /v1/events[?follow=1&n=N]  GET  /v1/imf
package api
