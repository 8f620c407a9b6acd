package procfs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrParse is wrapped by the parsers on malformed text.
var ErrParse = errors.New("malformed /proc text")

// Stat is what vigil needs of /proc/<pid>/stat.
type Stat struct {
	PID        int
	State      byte   // R, S, D, T, Z, X, ...
	PPID       int    // parent
	PGID       int    // process group
	SID        int    // session
	StartTicks uint64 // start time in clock ticks (USER_HZ) since boot
}

// Dead reports a zombie or dead process (state Z, X, or x on old kernels).
func (s Stat) Dead() bool { return s.State == 'Z' || s.State == 'X' || s.State == 'x' }

// ParseStat parses /proc/<pid>/stat. The command name may hold blanks and
// parentheses, so the fields are counted from the last ')'.
func ParseStat(r io.Reader) (Stat, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return Stat{}, err
	}
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return Stat{}, fmt.Errorf("stat: no command name: %w", ErrParse)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:open])))
	if err != nil {
		return Stat{}, fmt.Errorf("stat: pid %q: %w", b[:open], ErrParse)
	}
	f := strings.Fields(string(b[end+1:]))
	// f[0] is field 3 (state), f[1] ppid, f[2] pgrp, f[3] session, f[19] starttime.
	if len(f) < 20 || len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("stat: %d fields after the command name: %w", len(f), ErrParse)
	}
	var n [3]int
	for i := range n {
		if n[i], err = strconv.Atoi(f[i+1]); err != nil {
			return Stat{}, fmt.Errorf("stat: field %d %q: %w", i+4, f[i+1], ErrParse)
		}
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return Stat{}, fmt.Errorf("stat: starttime %q: %w", f[19], ErrParse)
	}
	return Stat{PID: pid, State: f[0][0], PPID: n[0], PGID: n[1], SID: n[2], StartTicks: start}, nil
}

// ParseCmdline parses /proc/<pid>/cmdline (NUL-separated argv). A process
// that rewrote its argv into one space-separated string (setproctitle) is
// returned as that one element; a kernel thread has none.
func ParseCmdline(r io.Reader) ([]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<16))
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil, nil
	}
	return strings.Split(string(b), "\x00"), nil
}

// UIDs are a process's user ids from /proc/<pid>/status.
type UIDs struct {
	Real, Effective int
}

// ParseStatusUIDs returns the real and effective user ids from
// /proc/<pid>/status ("Uid: real effective saved fs").
func ParseStatusUIDs(r io.Reader) (UIDs, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 1<<16))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "Uid:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 2 {
			return UIDs{}, fmt.Errorf("status: Uid line %q: %w", rest, ErrParse)
		}
		real, err1 := strconv.Atoi(f[0])
		eff, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			return UIDs{}, fmt.Errorf("status: Uid %q: %w", rest, ErrParse)
		}
		return UIDs{Real: real, Effective: eff}, nil
	}
	if err := sc.Err(); err != nil {
		return UIDs{}, err
	}
	return UIDs{}, fmt.Errorf("status: no Uid line: %w", ErrParse)
}

// ParseBootTime returns btime (seconds since the epoch) from /proc/stat.
func ParseBootTime(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "btime "); ok {
			v, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("btime %q: %w", rest, ErrParse)
			}
			return v, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/stat: no btime line: %w", ErrParse)
}

// ParsePidFile returns the PID in a pid file's text: the first word, a
// positive integer.
func ParsePidFile(r io.Reader) (int, error) {
	b, err := io.ReadAll(io.LimitReader(r, 256))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, fmt.Errorf("pid file is empty: %w", ErrParse)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file holds %q, not a PID: %w", f[0], ErrParse)
	}
	return pid, nil
}
