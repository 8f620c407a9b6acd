package engine

import (
	"errors"
	"fmt"
)

// kindError carries a precise message and one of the sentinel errors, so
// that errors.Is works while the message stays exactly the precise text.
type kindError struct {
	kind error
	msg  string
	err  error
}

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Is(target error) bool { return target == e.kind }

func (e *kindError) Unwrap() error { return e.err }

func errorf(kind error, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &kindError{kind: kind, msg: err.Error(), err: errors.Unwrap(err)}
}

func notFound(what, name string) error { return errorf(ErrNotFound, "%s %q not found", what, name) }
