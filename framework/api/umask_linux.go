package api

import "golang.org/x/sys/unix"

// umask sets the process file mode creation mask and returns the old one.
func umask(m int) int { return unix.Umask(m) }
