package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/vigil-ha/vigil/framework/state"
)

func init() { subcommands = append(subcommands, newStatusCmd) }

func newStatusCmd() *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show groups and resources with their states (like hastatus -sum)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			st, err := f.client().Status(ctx)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json {
				return printJSON(out, st)
			}
			fmt.Fprintf(out, "System: %s", st.System)
			if st.Cluster != "" {
				fmt.Fprintf(out, "   Cluster: %s", st.Cluster)
			}
			fmt.Fprintln(out)
			c := st.Counts
			fmt.Fprintf(out, "Groups: %d (frozen %d, disabled %d, faulted %d)   Resources: %d (faulted %d, disabled %d)\n",
				c.Groups, c.FrozenGroups, c.DisabledGroups, c.FaultedGroups, c.Resources, c.FaultedResources, c.DisabledResources)
			fmt.Fprintln(out)
			tw := table(out)
			fmt.Fprintln(tw, "GROUP\tSTATE\tPARALLEL\tAUTOSTART\tENABLED\tFROZEN")
			for _, g := range st.Groups {
				frozen := "no"
				switch {
				case g.Frozen:
					frozen = "persistent"
				case g.TFrozen:
					frozen = "temporary"
				}
				fmt.Fprintf(tw, "%s\t%s\t%v\t%v\t%v\t%s\n", g.Name, stateText(g.State, g.Flags), yesNo(g.Parallel),
					yesNo(g.AutoStart), yesNo(g.Enabled), frozen)
			}
			tw.Flush()
			fmt.Fprintln(out)
			tw = table(out)
			fmt.Fprintln(tw, "RESOURCE\tTYPE\tGROUP\tSTATE\tCONFIDENCE")
			for _, g := range st.Groups {
				for _, r := range g.Resources {
					conf := "-"
					if r.State == state.Online.String() {
						conf = fmt.Sprint(r.Confidence)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Type, r.Group, stateText(r.State, r.Flags), conf)
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			return printClusterStatus(ctx, out, f.client()) // every system, in a cluster
		},
	}
	f.addSocketFlag(cmd)
	f.addJSONFlag(cmd)
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
