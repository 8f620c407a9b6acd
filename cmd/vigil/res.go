package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

func init() { subcommands = append(subcommands, newResCmd) }

func newResCmd() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{
		Use:   "res",
		Short: "Inspect and operate resources (like hares)",
		Example: "  vigil res list\n  vigil res state web1 --json\n  vigil res online web1 --wait --timeout 2m\n" +
			"  vigil res clear web1 && vigil grp online websg",
	}
	f.addSocketFlag(cmd)
	cmd.AddCommand(resList(f), resState(f), resDisplay(f), resValue(f),
		resOp(f, "online", "Bring a resource online (every resource it requires must be online)"),
		resOp(f, "offline", "Take a resource offline (no online resource may require it)"),
		resSimple(f, "probe", "Monitor a resource now"),
		resSimple(f, "clear", "Clear a FAULTED resource so it can go online again"),
		resSimple(f, "refreshinfo", "Run the info entry point of a resource now"),
		resAction(f), resModify(f))
	cmd.AddCommand(resAdminCmds(f)...)
	return cmd
}

func resList(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "list", Short: "List resources", Args: cobra.NoArgs,
		Example: "  vigil res list\n  vigil res list --json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			rs, err := f.client().Resources(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), rs)
			}
			tw := table(cmd.OutOrStdout())
			fmt.Fprintln(tw, "RESOURCE\tTYPE\tGROUP\tSTATE")
			for _, r := range rs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Type, r.Group, stateText(r.State, r.Flags))
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func resState(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "state RES", Short: "Print a resource's state", Args: cobra.ExactArgs(1),
		Example:           "  vigil res state web1\n  vigil res state web1 --json",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			st, err := f.client().State(ctx, args[0])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), st)
			}
			fmt.Fprintln(cmd.OutOrStdout(), stateText(st.State, st.Flags))
			return nil
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func resDisplay(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "display RES", Short: "Show a resource's state and every attribute", Args: cobra.ExactArgs(1),
		Example:           "  vigil res display web1",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			r, err := f.client().Resource(ctx, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, r)
			}
			tw := table(out)
			fmt.Fprintf(tw, "Resource\t%s\nType\t%s\nGroup\t%s\nState\t%s\n", r.Name, r.Type, r.Group, stateText(r.State, r.Flags))
			fmt.Fprintf(tw, "Internal\t%s\nConfidenceLevel\t%d\nRequires\t%s\n", r.Internal, r.Confidence, strings.Join(r.Requires, " "))
			if r.LastMonitor != nil {
				fmt.Fprintf(tw, "LastMonitor\t%s\n", r.LastMonitor.Format(time.RFC3339Nano))
			}
			for _, k := range slices.Sorted(maps.Keys(r.Counters)) {
				fmt.Fprintf(tw, "Counter %s\t%d\n", k, r.Counters[k])
			}
			for _, k := range slices.Sorted(maps.Keys(r.ResourceInfo)) {
				fmt.Fprintf(tw, "ResourceInfo %s\t%s\n", k, r.ResourceInfo[k])
			}
			tw.Flush()
			fmt.Fprintln(out)
			tw = table(out)
			fmt.Fprintln(tw, "ATTRIBUTE\tKIND\tDIMENSION\tSTATIC\tVALUE")
			for _, a := range r.Attributes {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Name, a.Kind, a.Dim, yesNo(a.Static), valueText(a.Values))
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func resValue(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "value RES ATTR", Short: "Print the resolved value of one attribute", Args: cobra.ExactArgs(2),
		Example:           "  vigil res value web1 MonitorInterval\n  vigil res value web1 PathName --json",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			v, err := f.client().Value(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), v)
			}
			fmt.Fprintln(cmd.OutOrStdout(), valueText(v.Values))
			return nil
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

// waitFlags are --wait and --timeout of online/offline.
type waitFlags struct {
	wait    bool
	timeout time.Duration
}

func (w *waitFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&w.wait, "wait", false, "wait for the steady state; exit 1 on fault or timeout")
	cmd.Flags().DurationVar(&w.timeout, "timeout", 0, "with --wait, give up waiting after this long (0 = the engine's own bounds)")
}

func (w *waitFlags) request() wire.OpRequest {
	op := wire.OpRequest{Wait: w.wait}
	if w.wait && w.timeout > 0 {
		op.Timeout = w.timeout.String()
	}
	return op
}

func resOp(f *clientFlags, verb, short string) *cobra.Command {
	var w waitFlags
	cmd := &cobra.Command{
		Use: verb + " RES", Short: short, Args: cobra.ExactArgs(1),
		Example:           fmt.Sprintf("  vigil res %s web1\n  vigil res %s web1 --wait --timeout 90s", verb, verb),
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().ResourceOp(ctx, args[0], verb, w.request()))
		},
	}
	w.add(cmd)
	f.addJSONFlag(cmd)
	return cmd
}

func resSimple(f *clientFlags, verb, short string) *cobra.Command {
	cmd := &cobra.Command{
		Use: verb + " RES", Short: short, Args: cobra.ExactArgs(1),
		Example:           fmt.Sprintf("  vigil res %s web1", verb),
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().ResourceOp(ctx, args[0], verb, wire.OpRequest{}))
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func resAction(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "action RES TOKEN [ARGS...]", Short: "Run the action entry point with a token and arguments",
		Args:              cobra.MinimumNArgs(2),
		Example:           "  vigil res action db1 checkpoint --json\n  vigil res action web1 rotate access.log",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			r, err := f.client().Action(ctx, args[0], wire.ActionRequest{Token: args[1], Args: args[2:]})
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), r)
			}
			fmt.Fprint(cmd.OutOrStdout(), r.Output)
			if r.Outcome != "exited" || r.ExitCode != 0 {
				return &exitError{code: 1, err: fmt.Errorf("action %q on resource %q: %s, exit code %d",
					args[1], args[0], r.Outcome, r.ExitCode)}
			}
			return nil
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func resModify(f *clientFlags) *cobra.Command {
	var ops editFlags
	cmd := &cobra.Command{
		Use:   "modify RES ATTR VALUE...",
		Short: "Set an attribute (validated, applied at once, written to main.cf)",
		Long: "Set an attribute of a resource. A scalar takes one value, a vector or keylist any number\n" +
			"(none empties it), an association key value pairs. The value is checked against the type,\n" +
			"applied at once (attr_changed, IMF re-registration) and main.cf is rewritten atomically.\n" +
			"A bad value changes nothing.",
		Args: cobra.MinimumNArgs(2),
		Example: "  vigil res modify web1 MonitorInterval 30\n  vigil res modify web1 PidFiles /run/a.pid /run/b.pid\n" +
			"  vigil res modify web1 Env --add LANG C      # association: add a key\n" +
			"  vigil res modify web1 Env --update LANG C.UTF-8\n  vigil res modify web1 Env --delete LANG\n" +
			"  vigil res modify web1 MonitorInterval --undo-override\n" +
			"  vigil res modify web1 PathName /opt/web/bin/web --sys node2   # PathName@node2\n" +
			"  vigil res modify web1 PathName --delete --sys node2",
		ValidArgsFunction: completeNames(f, resourceName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			values := append([]string{}, args[2:]...)
			if ops.sys != "" {
				op, err := ops.sysOp()
				if err != nil {
					return usageError(err)
				}
				return f.done(cmd, f.client().EditAttr(ctx, args[0], wire.EditRequest{Attribute: args[1], Op: op, Values: values, System: ops.sys}))
			}
			if op, err := ops.op(); err != nil || op != "" {
				if err != nil {
					return usageError(err)
				}
				return f.done(cmd, f.client().EditAttr(ctx, args[0], wire.EditRequest{Attribute: args[1], Op: op, Values: values}))
			}
			return f.done(cmd, f.client().Modify(ctx, args[0], wire.ModifyRequest{Attribute: args[1], Values: values}))
		},
	}
	ops.add(cmd)
	f.addJSONFlag(cmd)
	return cmd
}
