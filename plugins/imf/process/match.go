package process

import (
	"fmt"
	"path"
	"strings"
)

// Proc is what the matchers see of one process.
type Proc struct {
	PID  int
	Exe  string   // target of /proc/<pid>/exe ("" when unreadable)
	Argv []string // /proc/<pid>/cmdline
	UID  int
}

// words squeezes blanks: the process table shows argv joined by single
// spaces, and descriptors are compared in that form.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// PronOptions values (reference §7.1).
const (
	IgnoreArgs = "IGNORE_ARGS" // ProcPattern is the executable path; arguments are not compared
	IgnorePath = "IGNORE_PATH" // ProcPattern is base name and arguments; the directory is not compared
)

// Pattern is a PRON ProcPattern with its PronOptions.
type Pattern struct {
	text                   string
	ignoreArgs, ignorePath bool
}

// NewPattern compiles a ProcPattern. options holds PronOptions words
// (blank- or comma-separated); an unknown word is an error.
func NewPattern(pattern, options string) (Pattern, error) {
	p := Pattern{text: words(pattern)}
	if p.text == "" {
		return p, fmt.Errorf("ProcPattern is empty")
	}
	for _, o := range strings.FieldsFunc(options, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		switch o {
		case IgnoreArgs:
			p.ignoreArgs = true
		case IgnorePath:
			p.ignorePath = true
		default:
			return p, fmt.Errorf("PronOptions %q: want %s or %s", o, IgnoreArgs, IgnorePath)
		}
	}
	return p, nil
}

// String returns the pattern as compared.
func (p Pattern) String() string { return p.text }

// Match reports whether the process is one the pattern describes.
func (p Pattern) Match(pr Proc) bool {
	if len(pr.Argv) == 0 {
		return false
	}
	args := words(strings.Join(pr.Argv[1:], " "))
	join := func(head string) string { return strings.TrimSpace(head + " " + args) }
	switch {
	case p.ignoreArgs:
		return pr.Argv[0] == p.text || (pr.Exe != "" && pr.Exe == p.text)
	case p.ignorePath:
		return join(path.Base(pr.Argv[0])) == p.text
	}
	return words(strings.Join(pr.Argv, " ")) == p.text || (pr.Exe != "" && join(pr.Exe) == p.text)
}

// Start describes a process a PROFF watch waits for: Path, arg0 and args
// as in amfregister.xml, Owner as a user id (-1: anyone). An empty Path or
// Arg0 is not compared; Args nil is not compared.
type Start struct {
	Path, Arg0 string
	Args       *string
	UID        int
	// Patterns, when set (vigil's extension: ProcPattern in a PROFF block),
	// match instead of Path, arg0 and args: the start of any process one
	// of them matches.
	Patterns []Pattern
}

// Match reports whether the process is the one the watch waits for. A
// script run through its interpreter matches by its path in argv[1].
func (s Start) Match(pr Proc) bool {
	if len(pr.Argv) == 0 || (s.UID >= 0 && pr.UID != s.UID) {
		return false
	}
	if len(s.Patterns) > 0 {
		for _, p := range s.Patterns {
			if p.Match(pr) {
				return true
			}
		}
		return false
	}
	if s.Arg0 != "" && pr.Argv[0] != s.Arg0 && path.Base(pr.Argv[0]) != s.Arg0 {
		return false
	}
	rest := -1 // index of the first argument after the program
	switch {
	case s.Path == "":
		rest = 1
	case pr.Argv[0] == s.Path || pr.Exe == s.Path:
		rest = 1
	case len(pr.Argv) > 1 && pr.Argv[1] == s.Path:
		rest = 2
	}
	if rest < 0 {
		return false
	}
	if s.Args == nil {
		return true
	}
	return words(strings.Join(pr.Argv[rest:], " ")) == words(*s.Args)
}

// String describes the watch for `vigil imf status`.
func (s Start) String() string {
	var b strings.Builder
	if len(s.Patterns) > 0 {
		q := make([]string, len(s.Patterns))
		for i, p := range s.Patterns {
			q[i] = fmt.Sprintf("%q", p.String())
		}
		b.WriteString("start of a process matching " + strings.Join(q, ", "))
	} else {
		b.WriteString("start of " + s.Path)
	}
	if s.Arg0 != "" {
		b.WriteString(" arg0=" + s.Arg0)
	}
	if s.Args != nil {
		b.WriteString(" args=" + fmt.Sprintf("%q", words(*s.Args)))
	}
	if s.UID >= 0 {
		fmt.Fprintf(&b, " uid=%d", s.UID)
	}
	return b.String()
}
