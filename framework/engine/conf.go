package engine

import (
	"github.com/vigil-ha/vigil/framework/model"
)

// The engine's configuration is a chain of immutable snapshots. New
// publishes the loaded configuration; Modify (modify.go) clones the current
// snapshot, edits the clone, writes it to main.cf and then publishes it
// with one atomic store. Nothing ever writes a published snapshot, so any
// goroutine may read one without a lock: fault handling, group walks,
// views, the agents building argv (they get Snapshot as a hook).
//
//	Modify (modifyMu held, e.mu not held)      readers (no lock)
//	  next := snap.Load().Clone()                c := e.conf(r)        // snap.Load()
//	  next.Resources[r].Values[attr] = v         c.enabled(), c.Int("X") ...
//	  Dump(next) ok ──▶ snap.Store(next)         cfg := e.Snapshot()   // agents
//
// The engine follows dependencies through the structure (e.topo()), which
// only a structural change replaces (structure.go), and reads attributes
// through conf, which looks the resource up by name in the current
// snapshot.

// conf is one resource of the current snapshot: never written.
type conf struct{ *model.Resource }

// conf returns r's current configuration.
func (e *Engine) conf(r *model.Resource) conf {
	if c := e.snap.Load().Resources[r.Name]; c != nil {
		return conf{c}
	}
	return conf{r} // not in the configuration: Modify cannot reach it
}

// Snapshot returns the configuration in force. It is immutable: callers
// must not write it.
func (e *Engine) Snapshot() *model.Config { return e.snap.Load() }

// operations returns the Operations value, OnOff when unset or unknown.
func (c conf) operations() operations {
	switch c.Str("Operations") {
	case "OnOnly":
		return opsOnOnly
	case "None":
		return opsNone
	}
	return opsOnOff
}

// enabled reports whether the resource is managed (Enabled=1).
func (c conf) enabled() bool { return c.Str("Enabled") != "0" }

// critical reports whether a fault of the resource faults its group.
func (c conf) critical() bool { return c.Str("Critical") != "0" }
