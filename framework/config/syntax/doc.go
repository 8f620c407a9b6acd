// Package syntax is the surface syntax of the VCS configuration language
// (main.cf, types.cf), as go/scanner and go/parser sit under go/ast: source
// positions (Pos), diagnostics (Error, ErrorList), a hand-written lexer and
// a recursive-descent parser that yields an AST with a position on every
// node.
//
// It does not own meaning: it knows the keywords of the language (str, int,
// keylist, static, requires, ...) but not what a type, resource or group is,
// nor attribute kinds, dimensions or values beyond their text. Package model
// owns those; package config turns a *File into a *model.Config, resolves
// include directives, validates and prints. Syntax imports neither, so that
// the model can use its positions and diagnostics.
//
//	bytes ──lex──▶ tokens ──parse──▶ *File (AST) + ErrorList (sorted)
package syntax
