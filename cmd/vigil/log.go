package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/agentlog"
)

func init() { subcommands = append(subcommands, newLogCmd) }

// logFlags are the flags of `vigil log`.
type logFlags struct {
	dir, resource, typ, severity, since, until string
	follow, json                               bool
}

func newLogCmd() *cobra.Command {
	var f logFlags
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Query or follow engine_A.log and the agent logs (like halog)",
		Long: "log reads the VCS-format logs of the log directory (engine_A.log, <Type>_A.log and their rotated\n" +
			"letters), keeps the lines that match every filter and prints them merged by time. With --follow it\n" +
			"then prints matching lines as they are written, until interrupted. It reads the files directly and\n" +
			"needs no daemon.",
		Example: "  vigil log --severity ERROR\n  vigil log --resource web1 --since 1h\n" +
			"  vigil log --type Process --follow\n  vigil log --since 2026-11-30T06:00:00Z --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLog(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dir, "log-dir", envOr("VIGIL_LOG_DIR", "/var/log/vigil"), "log directory (default $VIGIL_LOG_DIR, else /var/log/vigil)")
	fl.StringVarP(&f.resource, "resource", "r", "", "only lines about this resource")
	fl.StringVarP(&f.typ, "type", "t", "", "only lines of this resource type")
	fl.StringVarP(&f.severity, "severity", "s", "", "lowest severity shown: CRITICAL, ERROR, WARNING, NOTICE or INFO")
	fl.StringVar(&f.since, "since", "", "only lines from this time on: a duration back from now (90m) or RFC 3339")
	fl.StringVar(&f.until, "until", "", "only lines up to this time: a duration back from now or RFC 3339")
	fl.BoolVarP(&f.follow, "follow", "f", false, "keep printing matching lines as they are written")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per line")
	return cmd
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// parseWhen reads a duration back from now or an RFC 3339 time.
func parseWhen(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageError(fmt.Errorf("log: --%s %q: neither a duration (90m) nor an RFC 3339 time", flag, s))
	}
	return t, nil
}

func runLog(cmd *cobra.Command, f logFlags) error {
	flt := agentlog.Filter{Resource: f.resource, Type: f.typ, MinSeverity: strings.ToUpper(f.severity)}
	switch flt.MinSeverity {
	case "", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO":
	default:
		return usageError(fmt.Errorf("log: --severity %q: one of CRITICAL, ERROR, WARNING, NOTICE, INFO", f.severity))
	}
	var err error
	if flt.Since, err = parseWhen("since", f.since); err != nil {
		return err
	}
	if flt.Until, err = parseWhen("until", f.until); err != nil {
		return err
	}
	if _, err := os.Stat(f.dir); err != nil {
		return fmt.Errorf("log: %w", err)
	}
	lines, err := agentlog.Query(f.dir, flt)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	out := cmd.OutOrStdout()
	for _, l := range lines {
		if err := printLogLine(out, l, f.json); err != nil {
			return err
		}
	}
	if !f.follow {
		return nil
	}
	return followLogs(cmd, f, flt)
}

func printLogLine(w io.Writer, l agentlog.Line, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	prefix := ""
	if l.Type != "" || l.Resource != "" || l.EP != "" {
		prefix = l.Type + ":" + l.Resource + ":" + l.EP + ":"
	}
	_, err := fmt.Fprintf(w, "%-16s %s VCS %s %s %s%s\n", l.File, l.Time.Format("2006/01/02 15:04:05"), l.Severity, l.UMI, prefix, l.Text)
	return err
}

// followLogs polls the _A files of the log directory for appended lines
// (a file that shrank was rotated: it is read again from its start).
func followLogs(cmd *cobra.Command, f logFlags, flt agentlog.Filter) error {
	ctx, cancel := cmdContext()
	defer cancel()
	offsets := map[string]int64{}
	scan := func(first bool) error {
		paths, _ := filepath.Glob(filepath.Join(f.dir, "*_A.log"))
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				continue
			}
			off := offsets[p] // a file that appears later is read from its start
			if first {
				offsets[p] = st.Size()
				continue
			}
			if st.Size() < off {
				off = 0
			}
			if st.Size() == off {
				continue
			}
			fh, err := os.Open(p)
			if err != nil {
				continue
			}
			fh.Seek(off, io.SeekStart)
			ls, err := agentlog.Read(io.LimitReader(fh, st.Size()-off), filepath.Base(p), flt)
			fh.Close()
			offsets[p] = st.Size()
			if err != nil {
				return err
			}
			for _, l := range ls {
				if err := printLogLine(cmd.OutOrStdout(), l, f.json); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := scan(true); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(300 * time.Millisecond):
		}
		if err := scan(false); err != nil {
			return err
		}
	}
}
