package api

import (
	"bytes"
	"io"

	"golang.org/x/sys/unix"
)

func umask(m int) int { return unix.Umask(m) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
