package main

import (
	"bytes"
	"errors"
)

// runVigil runs the vigil command tree in-process with args and returns its
// stdout, stderr, the exit code main would use and the error.
func runVigil(args ...string) (stdout, stderr string, code int, err error) {
	var out, errb bytes.Buffer
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err = root.Execute()
	if err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
	}
	return out.String(), errb.String(), code, err
}
