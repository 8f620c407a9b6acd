package runner_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/runner"
)

// TestInheritedFDsDoNotLeak re-executes the test binary with a descriptor it
// did not open itself and without close-on-exec (fd 100, as a shell or a
// service manager may leave one), and checks that an entry point started
// through the runner does not get it.
func TestInheritedFDsDoNotLeak(t *testing.T) {
	if os.Getenv("VIGIL_FD_CHILD") == "1" {
		if err := unix.Dup2(2, 100); err != nil { // Dup2 never sets close-on-exec
			t.Fatalf("dup2: %v", err)
		}
		res := testRunner.RunCommand(context.Background(), "/bin/sh",
			[]string{"-c", "if [ -e /proc/self/fd/100 ]; then echo LEAKED; else echo SEALED; fi"},
			runner.RunOptions{Env: []string{"PATH=/usr/bin:/bin"}, Timeout: 10 * time.Second})
		os.Stdout.Write(res.Output)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInheritedFDsDoNotLeak$", "-test.count=1")
	cmd.Env = append(os.Environ(), "VIGIL_FD_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	switch {
	case strings.Contains(string(out), "SEALED"):
	case strings.Contains(string(out), "LEAKED"):
		t.Fatalf("an inherited descriptor (fd 100) reached the entry point:\n%s", out)
	default:
		t.Fatalf("child printed neither SEALED nor LEAKED:\n%s", out)
	}
}
