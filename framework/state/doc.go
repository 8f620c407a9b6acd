// Package state is vigil's typed vocabulary of states: the engine-visible
// resource state (ONLINE, OFFLINE, FAULTED, UNKNOWN), its flags as a bitset
// (RESTARTING, ADMIN_WAIT, ...) and the group state. Every package that
// passes states around (resstate, agent, engine, events, metrics, trigger,
// api) uses these types; text appears only at the edges, through String and
// Parse, as "OFFLINE|CLEANING" — the form VCS administrators know and that
// logs, JSON and trigger arguments carry.
//
// It owns no behaviour: the agent-internal states and transitions belong to
// resstate, group derivation to engine, event kinds to events.
package state
