package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

func init() { subcommands = append(subcommands, newEventsCmd) }

func newEventsCmd() *cobra.Command {
	var f clientFlags
	var follow bool
	var n int
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Print the event bus: state changes, faults, restarts, cleans, IMF and statistics events",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			out := cmd.OutOrStdout()
			err := f.client().Events(ctx, n, follow, func(e wire.Event) error {
				if f.json {
					b, err := json.Marshal(e)
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(out, "%s\n", b)
					return err
				}
				return printEvent(out, e)
			})
			if ctx.Err() != nil {
				return nil // interrupted by the user
			}
			return err
		},
	}
	f.addSocketFlag(cmd)
	f.addJSONFlag(cmd)
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new events until interrupted")
	cmd.Flags().IntVarP(&n, "lines", "n", 100, "number of past events to print first")
	return cmd
}

func printEvent(w io.Writer, e wire.Event) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-15s", e.Time.Local().Format("2006-01-02 15:04:05.000000"), e.Kind)
	if e.Resource != "" {
		fmt.Fprintf(&b, " %s", e.Resource)
	}
	var ctx []string
	if e.Type != "" {
		ctx = append(ctx, e.Type)
	}
	if e.Group != "" {
		ctx = append(ctx, "group "+e.Group)
	}
	if len(ctx) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(ctx, ", "))
	}
	if e.From != "" || e.To != "" {
		fmt.Fprintf(&b, " %s -> %s", e.From, e.To)
	}
	if e.Cause != "" {
		fmt.Fprintf(&b, " [%s]", e.Cause)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, " %s", e.Detail)
	}
	_, err := fmt.Fprintln(w, b.String())
	return err
}
