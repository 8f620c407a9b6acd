package arglist

import "strconv"

// Version is the framework version an agent registered with, as far as it
// decides the ArgListValues encoding (reference §2.2, §2.3, §2.6). The zero
// value stands for the default, V50.
type Version int

// Registration versions. Only the V40/V50 boundary changes argv: V51 and
// later agents get the V50 tuples.
const (
	V40 Version = 40 // positional values; action args as `<n> <a1..an>`; no AEPTimeout
	V50 Version = 50 // `<Name> <N> <v1..vN>` tuples (the default)
	V51 Version = 51 // as V50
)

// Positional reports whether v uses the V40 positional encoding.
func (v Version) Positional() bool { return v != 0 && v < V50 }

// String returns "V40", "V50", ...; the zero value prints as "V50".
func (v Version) String() string {
	if v == 0 {
		v = V50
	}
	return "V" + strconv.Itoa(int(v))
}

// Versioned is implemented by an entry-point implementation that knows the
// registration version of its agent (runner.Script learns it from the agent
// directory); the agent builds argv in that version.
type Versioned interface {
	Version() Version
}
