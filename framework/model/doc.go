// Package model is vigil's semantic configuration: resource types with their
// attribute definitions and static attribute values, resources with their
// attribute values and static overrides, service groups, dependencies and the
// cluster's systems. It owns the catalogue of static attributes and their
// defaults, value resolution (resource override → type value → default) and
// validation.
//
// It does not own syntax: source positions and diagnostics (syntax.Pos,
// syntax.ErrorList, which Validate returns), the lexer and the parser of the
// VCS configuration language live in package config/syntax; the loader that
// builds a *Config and the printer live in package config.
//
// Resolution of an attribute for a resource:
//
//	static attribute:  resource override  →  type-level value  →  catalogue default
//	other attribute:   resource value     →  type default      →  zero value of its dimension
package model
