// Package typedefs holds the resource types vigil ships, in types.cf form,
// embedded in the binary. An `include "X"` that is not found beside the
// including file is looked up here, so `include "types.cf"` brings in every
// standard type. It owns the type definitions only, not their agents.
package typedefs

import "embed"

// FS holds the shipped .cf files at its root (types.cf includes all others).
//
//go:embed *.cf
var FS embed.FS
