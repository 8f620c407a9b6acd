// Package ep defines what an entry point is to the rest of vigil: a name, a
// request and a result. Script entry points (package runner), plugin entry
// points (plugins/sdk) and built-in Go agents all implement Implementation,
// so an agent does not care how an entry point is implemented, and a type may
// mix implementations per entry point.
//
// It does not start processes (package runner does) nor interpret results
// into resource states (package resstate does).
package ep
