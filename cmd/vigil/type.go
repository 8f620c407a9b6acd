package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newTypeCmd) }

func newTypeCmd() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{Use: "type", Short: "Inspect resource types (like hatype)",
		Example: "  vigil type list\n  vigil type display Process --json"}
	f.addSocketFlag(cmd)
	list := &cobra.Command{
		Use: "list", Short: "List types and their resources", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			ts, err := f.client().Types(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), ts)
			}
			tw := table(cmd.OutOrStdout())
			fmt.Fprintln(tw, "TYPE\tRESOURCES")
			for _, t := range ts {
				fmt.Fprintf(tw, "%s\t%s\n", t.Name, valueText(t.Resources))
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(list)
	df := &clientFlags{}
	display := &cobra.Command{
		Use: "display TYPE", Short: "Show a type with its resolved static attributes", Args: cobra.ExactArgs(1),
		ValidArgsFunction: completeNames(f, typeName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			df.socket = f.socket
			t, err := f.client().Type(ctx, args[0])
			if err != nil {
				return err
			}
			if df.json {
				return printJSON(cmd.OutOrStdout(), t)
			}
			tw := table(cmd.OutOrStdout())
			fmt.Fprintf(tw, "Type\t%s\nResources\t%s\n\n", t.Name, valueText(t.Resources))
			fmt.Fprintln(tw, "ATTRIBUTE\tKIND\tDIMENSION\tSTATIC\tVALUE")
			for _, a := range t.Attributes {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Name, a.Kind, a.Dim, yesNo(a.Static), valueText(a.Values))
			}
			return tw.Flush()
		},
	}
	df.addJSONFlag(display)
	cmd.AddCommand(list, display, typeModify(f))
	return cmd
}
