package proc

import (
	"os"
	"testing"

	"github.com/vigil-ha/vigil/framework/procfs"
)

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	argv, err := procfs.Cmdline(pid)
	if err != nil || len(argv) == 0 || !ExactArgv(argv)(argv) {
		t.Fatalf("Cmdline(self) = %q, %v", argv, err)
	}
	found, err := Find(ExactArgv(argv), os.Geteuid())
	if err != nil || !contains(found, pid) {
		t.Fatalf("Find(own argv) = %v, %v; want it to hold %d", found, err, pid)
	}
}

func contains(l []int, x int) bool {
	for _, v := range l {
		if v == x {
			return true
		}
	}
	return false
}
