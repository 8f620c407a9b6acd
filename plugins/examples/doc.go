// Package examples holds worked Go plugin agents, each a main package
// built into a plugin binary and run by the daemon over go-plugin:
//
//	fileonoff  ExFileOnOff: online creates PathName, offline and clean remove it
//	tcpport    TCPPort: a persistent resource, ONLINE while Host:Port accepts
//	           TCP connections
//	mixed      MixedFile: the plugin implements monitor only; online and
//	           offline are scripts in the agent directory (agenttype Mixed)
//
// Each directory holds the type definition (types.cf) next to main.go.
// The tests in this package build them, run them through the conformance
// suite and through the daemon. docs/writing-plugin-agents.md walks through
// writing one.
package examples
