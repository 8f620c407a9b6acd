package process

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vigil-ha/vigil/framework/procfs"
)

// readProc reads what the matchers need of one process; withUID also
// reads its real user id.
func readProc(pid int, withUID bool) (Proc, error) {
	argv, err := procfs.Cmdline(pid)
	if err != nil {
		return Proc{}, err
	}
	if len(argv) == 0 {
		return Proc{}, fmt.Errorf("pid %d: empty command line (kernel thread or exiting): %w", pid, ErrGone)
	}
	p := Proc{PID: pid, Argv: argv, UID: -1, Exe: procfs.Exe(pid)}
	if withUID {
		ids, err := procfs.ReadUIDs(pid)
		if err != nil {
			return Proc{}, err
		}
		p.UID = ids.Real
	}
	return p, nil
}

// readComm reads a process's command name (/proc/<pid>/comm).
func readComm(pid int) (string, error) {
	f, err := os.Open(procfs.Path(pid, "comm"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64))
	return strings.TrimSpace(string(b)), err
}

// alive reports a process that exists and is not a zombie.
func alive(pid int) error {
	st, err := procfs.ReadStat(pid)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrGone, err)
	}
	if st.Dead() {
		return fmt.Errorf("state %c: %w", st.State, ErrGone)
	}
	return nil
}
