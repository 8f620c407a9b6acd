// Package clock is the only place vigil's library code reads the time or
// waits. Everything else takes a Clock, so tests drive time with Fake.
package clock
