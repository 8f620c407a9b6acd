package syntax

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one configuration diagnostic: a position and a message. Every
// stage that reads a configuration (lexer, parser, loader, validation)
// reports its findings as Errors.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: message", or the message alone when the
// diagnostic has no position (the "and N more errors" of Cap).
func (e Error) Error() string {
	if e.Pos == (Pos{}) {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is a list of configuration diagnostics, collected rather than
// stopping at the first. As an error it prints one diagnostic per line.
type ErrorList []Error

// Add appends a diagnostic.
func (l *ErrorList) Add(p Pos, msg string) { *l = append(*l, Error{Pos: p, Msg: msg}) }

// Len, Less and Swap sort diagnostics by file, line, column and message.
func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i].Pos, l[j].Pos
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Col != b.Col {
		return a.Col < b.Col
	}
	return l[i].Msg < l[j].Msg
}

// Sort sorts the list and drops exact duplicates.
func (l *ErrorList) Sort() {
	sort.Sort(*l)
	out := (*l)[:0]
	for _, e := range *l {
		if len(out) > 0 && e == out[len(out)-1] {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Error returns the diagnostics, one per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Cap returns the list with at most n diagnostics, the rest counted in a
// last diagnostic without position: "and N more errors". Apply it after
// Sort.
func (l ErrorList) Cap(n int) ErrorList {
	if len(l) <= n {
		return l
	}
	out := append(ErrorList(nil), l[:n]...)
	return append(out, Error{Msg: fmt.Sprintf("and %d more errors", len(l)-n)})
}
