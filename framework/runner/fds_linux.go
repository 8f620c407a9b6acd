package runner

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// sealInheritedFDs marks every descriptor above stderr close-on-exec; a
// Reaper runs it once, before the first child is started. Go opens its own
// descriptors with O_CLOEXEC, but a descriptor this process inherited from
// whatever started it (a shell, a test runner, a service manager) is not,
// and would otherwise leak into every entry point and into the daemons they
// leave behind. A child gets exactly stdin, stdout, stderr and the
// descriptors passed to it in ExtraFiles. Running it again is harmless.
func sealInheritedFDs() {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 {
			continue
		}
		_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
	}
}
