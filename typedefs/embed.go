package typedefs

import "embed"

// FS holds the shipped .cf files at its root (types.cf includes all others).
//
//go:embed *.cf
var FS embed.FS
