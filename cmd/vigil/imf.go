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
			fmt.Fprintln(tw, "PLUGIN\tTYPE\tRESOURCE\tSTATE\tEVENTS\tRESCANS\tFAILURES\tWATCH")
			for _, w := range ws {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", w.Plugin, dash(w.Type), dash(w.Resource), w.State,
					w.Events, w.Rescans, w.Failures, w.Watch)
			}
			return tw.Flush()
		},
	}
	f.addJSONFlag(status)
	cmd.AddCommand(status)
	return cmd
}

// dash shows an empty cell as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
