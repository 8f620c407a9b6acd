// Package config reads and writes the VCS configuration language: the
// main.cf and types.cf files that describe resource types, resources,
// service groups and their dependencies.
//
// It owns syntax: a hand-written lexer, a recursive-descent parser that
// yields an AST with a position on every node, the loader that resolves
// include directives (against the including file's directory, then the
// bundled typedefs) and builds a *model.Config, and the printer that dumps a
// configuration back to text in the style of hacf.
//
// It does not own meaning: what a type, resource or group is, how attribute
// values resolve and which configurations are valid belong to package model
// (model.Validate). Load runs both and returns every diagnostic it finds,
// sorted, as an ErrorList.
//
//	bytes ──lex──▶ tokens ──parse──▶ *File (AST) ──build──▶ *model.Config ──Validate──▶ ErrorList
//	                                                               │
//	                                                  Print / Dump ▼
//	                                                       main.cf, types files
package config
