// Package host runs Go agent plugins: one plugin process per type,
// started through hashicorp/go-plugin (versioned handshake, gRPC,
// AutoMTLS) and serving every resource of its type. Besides
// framework/runner it is the only package allowed to start processes.
//
// Life of a plugin:
//
//	New ──launch──▶ running ──Exited() / hung──▶ dead ──backoff──▶ launch ──▶ running
//	                  │                                  (100 ms doubling,   │
//	                  │                                   capped)            └─▶ OnRelaunch: re-probe
//	                  └── Close ──▶ killed (process group), never relaunched
//
// A call runs with the entry point's deadline as its gRPC deadline. At the
// deadline the call is TimedOut; when the plugin then does not answer a
// ping within the ping timeout it is hung: its process group gets SIGKILL
// and it is relaunched. A call in flight when the plugin dies fails with
// Outcome Signaled ("plugin exited"), which the state machine treats like
// a script killed by a signal (UNKNOWN for monitor), not as a fault by
// itself; calls that arrive while it is being relaunched wait for it
// within their own deadline; once the plugin is back, its resources are
// probed again.
//
// The plugin's stderr — hclog JSON lines from sdk.Serve, plain lines,
// panics and their stack traces — goes into the type's agent log. No
// plugin outlives the daemon: plugins start with Pdeathsig SIGKILL from
// one locked OS thread that lives as long as the daemon, in a process
// group of their own that Close kills, and sdk.Serve exits when its parent
// changes.
//
// Detect decides whether a type is a plugin type: AgentFile, a go-plugin
// binary <AgentDirectory>/<Type>Agent, or the agent information file
// <Type>.xml whose agenttype is Binary or Mixed (read with
// antchfx/xmlquery).
package host
