// Package sdk is the one package a Go agent author imports. An agent
// implements Agent (monitor, the one mandatory entry point) and any of the
// small optional interfaces (Onliner, Offliner, Cleaner, Actioner, Informer,
// Opener, Closer, AttrChanger, Shutdowner; IMF for an agent that learns of
// its resources' changes itself), found by type assertion.
//
// Every call gets a context carrying the entry point's deadline and a
// *Resource: the resource's name, its ArgList attributes, typed (scalar,
// vector, keylist, association; str, int, boolean) by the same ArgList and
// Ref:Attr rules as the tuples a script receives, and a logger whose lines
// land in the type's agent log <Type>_A.log in VCS format.
//
// The same agent value runs two ways:
//
//	built-in   the daemon wraps it with plugins/sdk/inproc: no process per call
//	plugin     a main calls sdk.Serve(agent); the daemon's plugin host
//	           (plugins/host) talks to it over go-plugin gRPC (plugins/proto)
//
// The package owns the author-facing interface and the plugin side of the
// protocol (Serve). It does not start processes, schedule entry points or
// interpret results into resource states: the framework does.
package sdk
