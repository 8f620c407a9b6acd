package runner

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// ErrExec is matched (errors.Is) by every ExecError.
var ErrExec = errors.New("cannot execute")

// ExecError says precisely why a program could not be started.
type ExecError struct {
	Path   string
	Reason string // e.g. "no such file", "not executable (mode 0644)", `bad interpreter "/bin/nosuch"`
	Err    error
}

func (e *ExecError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("execute %q: %s: %v", e.Path, e.Reason, e.Err)
	}
	return fmt.Sprintf("execute %q: %s", e.Path, e.Reason)
}

// Unwrap returns the system error.
func (e *ExecError) Unwrap() []error { return []error{ErrExec, e.Err} }

// classifyExecError turns a failed start into an ExecError with a reason a
// developer can act on.
func classifyExecError(path string, err error) error {
	st, serr := os.Stat(path)
	switch {
	case serr != nil && errors.Is(serr, fs.ErrNotExist):
		return &ExecError{Path: path, Reason: "no such file", Err: err}
	case serr != nil:
		return &ExecError{Path: path, Reason: "cannot stat", Err: serr}
	case st.IsDir():
		return &ExecError{Path: path, Reason: "is a directory", Err: err}
	case st.Mode()&0o111 == 0 || errors.Is(err, syscall.EACCES):
		return &ExecError{Path: path, Reason: fmt.Sprintf("not executable (mode %04o)", st.Mode().Perm()), Err: err}
	}
	if interp := interpreter(path); interp != "" && (errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EACCES)) {
		return &ExecError{Path: path, Reason: fmt.Sprintf("bad interpreter %q", interp), Err: err}
	}
	if errors.Is(err, syscall.ENOENT) {
		return &ExecError{Path: path, Reason: "working directory or program missing", Err: err}
	}
	return &ExecError{Path: path, Reason: "start failed", Err: err}
}

// interpreter returns the program named on a script's #! line, or "".
func interpreter(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if !strings.HasPrefix(line, "#!") {
		return ""
	}
	fields := strings.Fields(line[2:])
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}
