package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
)

// change is the one way the engine changes its configuration: edit is
// applied to a clone of the snapshot in force, the whole resulting
// configuration is validated exactly as `vigil check` validates a file
// (model.Validate), then written (Options.Dump) and published. A change that
// is invalid or cannot be written is refused and changes nothing: the
// snapshot and main.cf stay as they were.
//
// what names the change in errors ("modify resource \"f1\""). Diagnostics
// of an API change carry no file position (the value is in no file yet), so
// a refusal prints each diagnostic's message only, in check's words.
// change holds modifyMu; edit must not take e.mu for long.
func (e *Engine) change(what string, edit func(next *model.Config) error) (*model.Config, error) {
	e.modifyMu.Lock()
	defer e.modifyMu.Unlock()
	return e.changeLocked(what, true, edit)
}

// changeLocked is change with modifyMu held by the caller; with dump false
// nothing is written (a change of temporary attributes only: TFrozen).
func (e *Engine) changeLocked(what string, dump bool, edit func(next *model.Config) error) (*model.Config, error) {
	next := e.snap.Load().Clone()
	if err := edit(next); err != nil {
		return nil, err
	}
	if errs := model.Validate(next); len(errs) > 0 {
		return nil, &kindError{kind: ErrInvalid, msg: what + ": " + diagnostics(errs), err: errs}
	}
	if dump && e.o.Dump != nil {
		if err := e.o.Dump(next, next.Dir); err != nil {
			return nil, fmt.Errorf("%s: write configuration: %w", what, err)
		}
	}
	e.snap.Store(next) // readers see the change once it is saved
	return next, nil
}

// maxShown is how many diagnostics a refused change lists before
// "and N more".
const maxShown = 10

// diagnostics joins the messages of a validation's diagnostics without
// their positions.
func diagnostics(errs syntax.ErrorList) string {
	var b strings.Builder
	for i, d := range errs {
		if i == maxShown {
			fmt.Fprintf(&b, "; and %d more", len(errs)-maxShown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d.Msg)
	}
	return b.String()
}

// errUnchanged tells change's caller that the edit changed nothing.
var errUnchanged = errors.New("unchanged")
