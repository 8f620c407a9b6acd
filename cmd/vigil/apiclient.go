package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/state"
)

// clientFlags are the flags every client command shares.
type clientFlags struct {
	socket string
	json   bool
}

// addSocketFlag adds --socket to cmd and all its subcommands.
func (f *clientFlags) addSocketFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.socket, "socket", "",
		"daemon socket (default $"+api.SocketEnv+", else "+api.DefaultSocket+")")
}

func (f *clientFlags) addJSONFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.json, "json", false, "print JSON instead of a table")
}

func (f *clientFlags) client() *api.Client { return api.NewClient(api.SocketPath(f.socket)) }

// done finishes a command that returns nothing but success: with --json it
// prints {"ok": true}, so every command prints one JSON document.
func (f *clientFlags) done(cmd *cobra.Command, err error) error {
	if err != nil || !f.json {
		return err
	}
	return printJSON(cmd.OutOrStdout(), wire.OKReply{OK: true})
}

// cmdContext is cancelled by SIGINT/SIGTERM.
func cmdContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 2, 8, 2, ' ', 0) }

// stateText joins a state and its flags the VCS way: ONLINE|RESTARTING.
func stateText(st string, flags []string) string { return state.JoinText(st, flags) }

// valueText renders attribute values: scalars bare, lists space-separated
// with quotes where needed.
func valueText(vals []string) string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if v == "" || strings.ContainsAny(v, " \t\"") {
			v = fmt.Sprintf("%q", v)
		}
		out[i] = v
	}
	return strings.Join(out, " ")
}
