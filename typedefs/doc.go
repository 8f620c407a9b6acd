// Package typedefs holds the resource types vigil ships, in types.cf form,
// embedded in the binary: FileOnOff, FileOnOnly, FileNone, ElifNone,
// Phantom, Process, Application and Mount, one <Type>Types.cf file each,
// and types.cf, which includes them all.
//
// An `include "X"` that is not found beside the including file is looked up
// here (by package config), so `include "types.cf"` brings in every standard
// type. This package owns the type definitions only: not their agents, and
// not the parsing of the files.
package typedefs
