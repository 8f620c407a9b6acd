package agentlog

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Line is one parsed VCS-format log line.
type Line struct {
	Time     time.Time `json:"time"`
	Severity string    `json:"severity"` // CRITICAL ... INFO, or DBG_<n>
	UMI      string    `json:"umi"`      // V-16-<cat>-<id>
	Type     string    `json:"type,omitempty"`
	Resource string    `json:"resource,omitempty"`
	EP       string    `json:"ep,omitempty"`
	Text     string    `json:"text"`
	File     string    `json:"file"`
}

// ParseLine parses a line FormatLine wrote (without its newline); ok is
// false for anything else (a JSON-format line, a fragment).
func ParseLine(s string) (Line, bool) {
	const stamp = "2006/01/02 15:04:05"
	if len(s) < len(stamp)+5 {
		return Line{}, false
	}
	t, err := time.ParseInLocation(stamp, s[:len(stamp)], time.Local)
	if err != nil {
		return Line{}, false
	}
	rest, ok := strings.CutPrefix(s[len(stamp):], " VCS ")
	if !ok {
		return Line{}, false
	}
	f := strings.SplitN(rest, " ", 3)
	if len(f) < 3 || !strings.HasPrefix(f[1], "V-16-") {
		return Line{}, false
	}
	l := Line{Time: t, Severity: f[0], UMI: f[1], Text: f[2]}
	// Type:Res:EP:text, when the line has the prefix (three colons before
	// the first space).
	if head, _, _ := strings.Cut(l.Text, " "); strings.Count(head, ":") >= 3 {
		p := strings.SplitN(l.Text, ":", 4)
		l.Type, l.Resource, l.EP, l.Text = p[0], p[1], p[2], p[3]
	}
	return l, true
}

// severityRank orders severities; debug lines rank below INFO.
func severityRank(s string) int {
	switch s {
	case "CRITICAL":
		return 5
	case "ERROR":
		return 4
	case "WARNING":
		return 3
	case "NOTICE":
		return 2
	case "INFO":
		return 1
	}
	return 0
}

// Filter selects log lines; zero fields select everything.
type Filter struct {
	Resource, Type string
	MinSeverity    string // the lowest severity shown (ERROR shows CRITICAL too)
	Since, Until   time.Time
}

// Match reports whether l passes f.
func (f Filter) Match(l Line) bool {
	switch {
	case f.Resource != "" && l.Resource != f.Resource && !strings.Contains(l.Text, "resource="+f.Resource):
		return false
	case f.Type != "" && l.Type != f.Type:
		return false
	case f.MinSeverity != "" && severityRank(l.Severity) < severityRank(f.MinSeverity):
		return false
	case !f.Since.IsZero() && l.Time.Before(f.Since):
		return false
	case !f.Until.IsZero() && l.Time.After(f.Until):
		return false
	}
	return true
}

// Files returns the log files of dir in the order their lines were
// written: for each log, the oldest rotated letter first and _A last.
func Files(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*_[A-Z].log"))
	if err != nil {
		return nil, err
	}
	sort.Slice(paths, func(i, j int) bool {
		bi, li := splitLetter(paths[i])
		bj, lj := splitLetter(paths[j])
		if bi != bj {
			return bi < bj
		}
		return li > lj
	})
	return paths, nil
}

func splitLetter(p string) (string, byte) {
	base := strings.TrimSuffix(p, ".log")
	return base[:len(base)-2], base[len(base)-1]
}

// Read returns the lines of r that pass f, named as file.
func Read(r io.Reader, file string, f Filter) ([]Line, error) {
	var out []Line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if l, ok := ParseLine(sc.Text()); ok && f.Match(l) {
			l.File = file
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// Query reads every log file of dir and returns the lines that pass f,
// merged by time (lines of one second keep their file order).
func Query(dir string, f Filter) ([]Line, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	var all []Line
	for _, p := range files {
		fh, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		ls, err := Read(fh, filepath.Base(p), f)
		fh.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, ls...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Time.Before(all[j].Time) })
	return all, nil
}
