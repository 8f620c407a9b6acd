// Package engine is vigil's embedded single-node engine (a small HAD): it
// holds the loaded configuration, starts one agent per resource type that
// has resources on this system, waits for every resource to be probed, and
// manages service groups — AutoStart in dependency order, online and offline
// of groups and resources, resource and group dependencies, Critical
// resources faulting their group, fault propagation to dependent resources
// and groups, attribute changes dumped back to main.cf — publishing every
// change on the event bus.
//
// It does not run entry points or keep the resource state machine (package
// agent does, behind the small Agent interface below), parse configuration
// (package config), serve the API (package api) or run triggers (package
// trigger).
//
// Life of an engine:
//
//	New ──▶ Start: agents created, resources added (open + probe)
//	          │    wait until every resource is probed
//	          ▼
//	        AutoStart: groups with intent online (state dir) or AutoStart,
//	          │        children groups first, independent groups in parallel
//	          ▼
//	        serving: OnlineGroup / OfflineGroup / Online / Offline / Modify ...
//	          │        Freeze / Flush / ClearGroup; AddResource / Link / ... (structure.go)
//	          │        agent events ──▶ bus; faults ──▶ propagation
//	          ▼
//	        Stop: running operations cancelled, agents stopped (shutdown EP);
//	              nothing is taken offline
//
// Inside a group, a resource goes online once every resource it requires is
// ONLINE (independent resources in parallel), and goes offline once every
// resource that requires it is OFFLINE or FAULTED.
//
// Each group keeps a tally of its resources by state (tally.go), updated
// from the one resource an agent event concerns, re-read from its agent
// before the event is published: an event costs the same whatever the size
// of its group, and each step of a group operation reads the tally instead
// of asking every agent. Views and the checks of administrative requests
// still ask the agents directly.
//
// Attributes change while the engine runs (Modify) and are read without the
// engine's lock (faults, walks, views), so every read goes through the
// resource's current conf: an immutable copy that Modify replaces through an
// atomic pointer (conf.go). Agents get copies of the same confs. The
// structure (resources, groups, links) changes only by a structural change,
// which replaces the structure pointer and the tallies of the groups it
// touched (structure.go). A frozen group (Frozen, TFrozen) is monitored but
// never commanded, and its faults take no action (maint.go).
package engine
