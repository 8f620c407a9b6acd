// Package agents is the table of vigil's built-in agents: the standard
// types of typedefs/ (Application, ElifNone, FileNone, FileOnOff,
// FileOnOnly, Mount, Phantom, Process), each written with plugins/sdk in a
// package of its own, and run in the daemon's process (plugins/sdk/inproc)
// by the registry's builtin kind. The table is a value with sorted listing;
// it owns no agent logic.
package agents
