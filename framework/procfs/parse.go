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

// maxFile is the most of a /proc file read (stat: maxStat).
const maxFile = 1 << 16

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
	b, err := io.ReadAll(io.LimitReader(r, maxStat))
	if err != nil {
		return Stat{}, err
	}
	return parseStat(b)
}

// maxStat is the most of /proc/<pid>/stat parsed.
const maxStat = 4096

// parseStat is ParseStat on the file's bytes; it allocates nothing unless
// the text is malformed.
func parseStat(b []byte) (Stat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return Stat{}, fmt.Errorf("stat: no command name: %w", ErrParse)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return Stat{}, fmt.Errorf("stat: pid %q: %w", b[:open], ErrParse)
	}
	// f[0] is field 3 (state), f[1] ppid, f[2] pgrp, f[3] session, f[19] starttime.
	var f [20][]byte
	n, rest := 0, b[end+1:]
	for ; n < len(f); n++ {
		if f[n], rest = nextField(rest); f[n] == nil {
			break
		}
	}
	if n < len(f) || len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("stat: %d fields after the command name: %w", len(bytes.Fields(b[end+1:])), ErrParse)
	}
	var id [3]int
	for i := range id {
		if id[i], err = strconv.Atoi(string(f[i+1])); err != nil {
			return Stat{}, fmt.Errorf("stat: field %d %q: %w", i+4, f[i+1], ErrParse)
		}
	}
	start, err := strconv.ParseUint(string(f[19]), 10, 64)
	if err != nil {
		return Stat{}, fmt.Errorf("stat: starttime %q: %w", f[19], ErrParse)
	}
	return Stat{PID: pid, State: f[0][0], PPID: id[0], PGID: id[1], SID: id[2], StartTicks: start}, nil
}

// statFlags returns the flags (field 9) of /proc/<pid>/stat.
func statFlags(b []byte) (uint64, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return 0, fmt.Errorf("stat: no command name: %w", ErrParse)
	}
	var f []byte
	rest := b[end+1:]
	for range 7 { // fields 3 to 9
		if f, rest = nextField(rest); f == nil {
			return 0, fmt.Errorf("stat: no flags field: %w", ErrParse)
		}
	}
	flags, err := strconv.ParseUint(string(f), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stat: flags %q: %w", f, ErrParse)
	}
	return flags, nil
}

// nextField returns the first blank-separated field of b (nil when there
// is none) and what follows it.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !isBlank(b[j]) {
		j++
	}
	if i == j {
		return nil, nil
	}
	return b[i:j], b[j:]
}

// isBlank reports the bytes strings.Fields splits ASCII text at.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// ParseCmdline parses /proc/<pid>/cmdline (NUL-separated argv). A process
// that rewrote its argv into one space-separated string (setproctitle) is
// returned as that one element; a kernel thread has none.
func ParseCmdline(r io.Reader) ([]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile))
	if err != nil {
		return nil, err
	}
	return SplitCmdline(TrimCmdline(b)), nil
}

// TrimCmdline returns the text of /proc/<pid>/cmdline without its trailing
// NUL bytes: the argv elements separated by one NUL each, empty for a
// kernel thread or a zombie. It is the form ReadCmdline and ScanCmdlines
// hand out.
func TrimCmdline(b []byte) []byte { return bytes.TrimRight(b, "\x00") }

// SplitCmdline splits a trimmed command line (TrimCmdline) into its argv,
// nil when it is empty.
func SplitCmdline(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), "\x00")
}

// UIDs are a process's user ids from /proc/<pid>/status.
type UIDs struct {
	Real, Effective int
}

// ParseStatusUIDs returns the real and effective user ids from
// /proc/<pid>/status ("Uid: real effective saved fs").
func ParseStatusUIDs(r io.Reader) (UIDs, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile))
	if err != nil {
		return UIDs{}, err
	}
	return parseStatusUIDs(b)
}

// parseStatusUIDs is ParseStatusUIDs on the file's bytes.
func parseStatusUIDs(b []byte) (UIDs, error) {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		rest, ok := bytes.CutPrefix(line, []byte("Uid:"))
		if !ok {
			continue
		}
		f0, tail := nextField(rest)
		f1, _ := nextField(tail)
		if f1 == nil {
			return UIDs{}, fmt.Errorf("status: Uid line %q: %w", rest, ErrParse)
		}
		real, err1 := strconv.Atoi(string(f0))
		eff, err2 := strconv.Atoi(string(f1))
		if err1 != nil || err2 != nil {
			return UIDs{}, fmt.Errorf("status: Uid %q: %w", rest, ErrParse)
		}
		return UIDs{Real: real, Effective: eff}, nil
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
