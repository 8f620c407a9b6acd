package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newGrpCmd) }

func newGrpCmd() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{Use: "grp", Short: "Inspect and operate service groups (like hagrp)",
		Example: "  vigil grp list\n  vigil grp online websg --wait\n  vigil grp state websg --json"}
	f.addSocketFlag(cmd)
	cmd.AddCommand(grpList(f), grpState(f), grpDisplay(f),
		grpOp(f, "online", "Bring a group online, children before parents"),
		grpOp(f, "offline", "Take a group offline, parents before children"), grpSwitch(f))
	cmd.AddCommand(grpAdminCmds(f)...)
	return cmd
}

func grpList(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "list", Short: "List groups", Args: cobra.NoArgs,
		Example: "  vigil grp list\n  vigil grp list --json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			gs, err := f.client().Groups(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), gs)
			}
			tw := table(cmd.OutOrStdout())
			fmt.Fprintln(tw, "GROUP\tSTATE\tRESOURCES")
			for _, g := range gs {
				fmt.Fprintf(tw, "%s\t%s\t%d\n", g.Name, stateText(g.State, g.Flags), len(g.Resources))
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func grpState(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "state GRP", Short: "Print a group's state", Args: cobra.ExactArgs(1),
		Example:           "  vigil grp state websg\n  vigil grp state websg --json",
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			g, err := f.client().Group(ctx, args[0])
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), map[string]any{"group": g.Name, "state": g.State, "flags": g.Flags})
			}
			fmt.Fprintln(cmd.OutOrStdout(), stateText(g.State, g.Flags))
			return nil
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func grpDisplay(f *clientFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use: "display GRP", Short: "Show a group, its dependencies and its resources", Args: cobra.ExactArgs(1),
		Example:           "  vigil grp display websg",
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			g, err := f.client().Group(ctx, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, g)
			}
			tw := table(out)
			fmt.Fprintf(tw, "Group\t%s\nState\t%s\nParallel\t%s\nAutoStart\t%s\nEnabled\t%s\nIntent\t%s\nSystemList\t%s\n",
				g.Name, stateText(g.State, g.Flags), yesNo(g.Parallel), yesNo(g.AutoStart), yesNo(g.Enabled),
				g.Intent, valueText(g.SystemList))
			for _, d := range g.Requires {
				fmt.Fprintf(tw, "Requires\tgroup %s %s %s %s\n", d.Group, d.Category, d.Location, d.Rigidity)
			}
			tw.Flush()
			fmt.Fprintln(out)
			tw = table(out)
			fmt.Fprintln(tw, "RESOURCE\tTYPE\tSTATE\tCRITICAL\tENABLED\tREQUIRES")
			for _, r := range g.Resources {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Type, stateText(r.State, r.Flags),
					yesNo(r.Critical), yesNo(r.Enabled), valueText(r.Requires))
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(cmd)
	return cmd
}

func grpOp(f *clientFlags, verb, short string) *cobra.Command {
	var w waitFlags
	var sys string
	var everywhere bool
	cmd := &cobra.Command{
		Use: verb + " GRP", Short: short, Args: cobra.ExactArgs(1),
		Example:           fmt.Sprintf("  vigil grp %s websg\n  vigil grp %s websg --wait --timeout 5m", verb, verb),
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sys != "" { // cluster: online on that system (cluster.go)
				return f.done(cmd, place(f, args[0], sys, false, w))
			}
			if everywhere { // cluster: offline wherever it runs (cluster.go)
				return f.done(cmd, offlineAny(f, args[0], w))
			}
			ctx, cancel := cmdContext()
			defer cancel()
			return f.done(cmd, f.client().GroupOp(ctx, args[0], verb, w.request()))
		},
	}
	if verb == "online" {
		cmd.Flags().StringVar(&sys, "sys", "", "in a cluster: bring the group online on this system (clears its fault there)")
	} else {
		cmd.Flags().BoolVar(&everywhere, "any", false, "in a cluster: take the group offline wherever it runs; the cluster no longer wants it online")
	}
	w.add(cmd)
	f.addJSONFlag(cmd)
	return cmd
}
