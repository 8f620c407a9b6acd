package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newIMFCmd) }

func newIMFCmd() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{Use: "imf", Short: "Intelligent monitoring (IMF) status"}
	f.addSocketFlag(cmd)
	status := &cobra.Command{
		Use: "status", Short: "List registered watches per plugin and resource (like amfstat)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			ws, err := f.client().IMF(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), ws)
			}
			if len(ws) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no IMF registrations")
				return nil
			}
			tw := table(cmd.OutOrStdout())
			fmt.Fprintln(tw, "PLUGIN\tTYPE\tRESOURCE\tWATCH\tSTATE")
			for _, w := range ws {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", w.Plugin, w.Type, w.Resource, w.Watch, w.State)
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(status)
	cmd.AddCommand(status)
	return cmd
}
