package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/daemon"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/runner"
)

func init() { subcommands = append(subcommands, newEPCmd) }

// epFlags are the options of `vigil ep`.
type epFlags struct {
	config, stateDir, vcsHome, logDir, logDbg string
	timeout                                   time.Duration
	cycle                                     int
}

func newEPCmd() *cobra.Command {
	var f epFlags
	cmd := &cobra.Command{
		Use:   "ep --config DIR TYPE EP RES [args...]",
		Short: "Run one entry point for one resource, without a daemon, and explain the result",
		Long: `Runs entry point EP of type TYPE for resource RES from the configuration, exactly as
the agent would (argv, environment, timeout, process-group kill), and prints the
registration version (V40 positional or V50 tuples, from the agent directory),
the argv, the duration, the outcome, the exit code with its meaning, the output and
the log lines. Extra arguments per entry point:
  clean [REASON]                    clean reason 0..5 (default 0)
  info [OP]                         resinfo_op 1 or 2 (default 1)
  action TOKEN [ARGS...]            action token and its arguments
  attr_changed RES2 ATTR [VALUE...] the changed resource, attribute and new value
  imf_register start|stop online|offline
Exits 0 when the entry point ran, whatever its exit code; 1 on errors.`,
		Args: cobra.MinimumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.config == "" {
				return &exitError{code: 2, err: errors.New("ep: --config DIR is required")}
			}
			return runEP(cmd.Context(), cmd.OutOrStdout(), f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration directory holding main.cf (or a main.cf file)")
	fl.StringVar(&f.stateDir, "state-dir", "/var/lib/vigil", "state directory (holds the VCS_HOME tree)")
	fl.StringVar(&f.vcsHome, "vcs-home", "", "VCS_HOME compatibility tree (default <state-dir>/vcs)")
	fl.StringVar(&f.logDir, "log-dir", "", "also append the log lines to <log-dir>/<Type>_A.log")
	fl.StringVar(&f.logDbg, "logdbg", "", "debug levels in force instead of the type's LogDbg, e.g. DBG_1,DBG_3")
	fl.DurationVar(&f.timeout, "timeout", 0, "time limit instead of the entry point's timeout attribute")
	fl.IntVar(&f.cycle, "monitor-cycle", 1, "monitor cycle number (VCSAG_GET_MONITOR_LEVEL)")
	return cmd
}

func runEP(ctx context.Context, w io.Writer, f epFlags, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	o := daemon.EPOptions{Config: f.config, StateDir: f.stateDir, VCSHome: f.vcsHome, LogDir: f.logDir,
		Timeout: f.timeout, Cycle: f.cycle}
	if f.logDbg != "" {
		o.LogDbg = strings.Split(f.logDbg, ",")
	}
	rep, err := daemon.RunEP(ctx, o, args[0], ep.Name(args[1]), args[2], args[3:])
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("ep: %w", err)}
	}
	printEP(w, rep)
	if rep.Result.Outcome == ep.ExecError {
		return &exitError{code: 1, err: nil}
	}
	return nil
}

func printEP(w io.Writer, rep daemon.EPReport) {
	req, r := rep.Request, rep.Result
	fmt.Fprintf(w, "%-8s %s\n", "version", rep.Version)
	fmt.Fprintf(w, "%-8s %s\n", "argv[0]", strconv.Quote(rep.Path))
	for i, a := range req.Args {
		fmt.Fprintf(w, "%-8s %s\n", "argv["+strconv.Itoa(i+1)+"]", strconv.Quote(a))
	}
	fmt.Fprintf(w, "timeout  %s\n", req.Timeout)
	fmt.Fprintf(w, "duration %s\n", r.Duration.Round(time.Microsecond))
	fmt.Fprintf(w, "outcome  %s\n", r.Outcome)
	fmt.Fprintf(w, "result   %s\n", runner.Meaning(req.EP, r))
	fmt.Fprintf(w, "output   (%d bytes)\n", len(r.Output))
	for _, l := range strings.SplitAfter(string(r.Output), "\n") {
		if l != "" {
			fmt.Fprintf(w, "  | %s", strings.TrimSuffix(l, "\n")+"\n")
		}
	}
	fmt.Fprintf(w, "log\n")
	for _, l := range strings.SplitAfter(rep.Log, "\n") {
		if l != "" {
			fmt.Fprintf(w, "  %s", l)
		}
	}
}
