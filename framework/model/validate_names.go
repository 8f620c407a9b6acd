package model

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// MaxNameLen is the longest type, resource, group or system name, in
// bytes. Names become file names (<Type>_A.log) and entry-point arguments;
// 200 leaves room for the suffixes under the 255-byte file name limit.
const MaxNameLen = 200

// MaxValueLen is the longest string a value element may hold, in bytes: an
// entry point gets each element as one argument, and Linux refuses an
// argument of MAX_ARG_STRLEN (131072 bytes, its NUL included) or more.
const MaxValueLen = 131071

// MaxArgListBytes bounds the total size, in bytes, of a resource's
// ArgListValues. Linux refuses an exec whose arguments and environment pass
// ARG_MAX (2 MiB with the default 8 MiB stack); half of it is left to the
// environment and the entry point's own arguments.
const MaxArgListBytes = 1 << 20

// NameError returns why name cannot be the name of a type, resource, group
// or (system true) system, or "". A name is an identifier, as in VCS: an
// ASCII letter, then ASCII letters, digits, '_' and '-'. A system name may
// also hold '.', as host names do. Nothing else: names become file names
// and arguments, so a '/' or a NUL must never reach them.
func NameError(name string, system bool) string {
	if name == "" {
		return "is empty"
	}
	if len(name) > MaxNameLen {
		return fmt.Sprintf("is %d bytes long, over the limit of %d", len(name), MaxNameLen)
	}
	c := name[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return "must start with a letter"
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
		case r == '.' && system:
		default:
			allowed := "letters, digits, '_' and '-'"
			if system {
				allowed = "letters, digits, '_', '-' and '.'"
			}
			return fmt.Sprintf("holds %s (a name holds only %s)", describeRune(r), allowed)
		}
	}
	return ""
}

// describeRune names a character for a diagnostic: printable ones as
// themselves, others by code point.
func describeRune(r rune) string {
	if r == utf8.RuneError {
		return "a byte that is not UTF-8"
	}
	if r < 0x20 || r == 0x7f {
		return fmt.Sprintf("the control character %U", r)
	}
	return fmt.Sprintf("%q", r)
}

// StringError returns why s cannot be a string value, or "": a NUL cannot
// reach an entry point, a newline cannot be written in the configuration
// language, and an element over MaxValueLen cannot be an argument.
func StringError(s string) string {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return "holds a NUL byte, which no entry point argument can carry"
	case strings.IndexByte(s, '\n') >= 0:
		return "holds a newline, which the configuration language cannot hold"
	case len(s) > MaxValueLen:
		return fmt.Sprintf("is %d bytes long, over the argument limit of %d", len(s), MaxValueLen)
	}
	return ""
}

// names checks the names of types, resources, groups and systems.
func (v *validator) names() {
	check := func(what, name string, p syntax.Pos, system bool) {
		if msg := NameError(name, system); msg != "" {
			v.errorf(p, "%s name %q %s", what, name, msg)
		}
	}
	for _, n := range v.c.TypeNames() {
		check("type", n, v.c.Types[n].Pos, false)
	}
	for _, n := range v.c.ResourceNames() {
		check("resource", n, v.c.Resources[n].Pos, false)
	}
	for _, n := range v.c.GroupNames() {
		check("group", n, v.c.Groups[n].Pos, false)
	}
	for _, n := range v.c.Systems {
		check("system", n, v.c.SystemPos[n], true)
	}
}
