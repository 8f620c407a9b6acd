// Package config reads and writes the VCS configuration language: the
// main.cf and types.cf files that describe resource types, resources,
// service groups and their dependencies.
//
// It owns loading and printing: the loader that parses each file (with
// package syntax), resolves include directives (against the including
// file's directory, then the bundled typedefs), gives declarations and
// values their meaning and builds a *model.Config; and the printer that
// dumps a configuration back to text in the style of hacf.
//
// It does not own the surface syntax (positions, diagnostics, lexer, parser
// and AST: package syntax, which imports neither config nor model), nor
// meaning: what a type, resource or group is, how attribute values resolve
// and which configurations are valid belong to package model
// (model.Validate). Load runs all of them and returns every diagnostic it
// finds, sorted, as a syntax.ErrorList.
//
//	bytes ──syntax.Parse──▶ *syntax.File (AST) ──build──▶ *model.Config ──Validate──▶ syntax.ErrorList
//	                                                               │
//	                                                  Print / Dump ▼
//	                                                       main.cf, types files
package config
