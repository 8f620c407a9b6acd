// Command vigil is the single binary of vigil: the daemon (`vigil agent`),
// the configuration checker, the entry-point test tool and the CLI client.
// Each subcommand lives in its own file and stays thin: the work is done by
// the packages under framework/ and plugins/.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// subcommands is filled by the init functions of the files beside this one.
var subcommands []func() *cobra.Command

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "vigil",
		Short:         "vigil runs Veritas Cluster Server agents, unchanged, with user-space IMF",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	root.Example = "  vigil check /etc/vigil\n  vigil agent --config /etc/vigil\n  vigil status\n" +
		"  vigil res online web1 --wait\n  source <(vigil completion bash)"
	scriptSafe(root)
	return root
}

// exitError carries a specific exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func main() {
	if err := newRoot().Execute(); err != nil {
		code := 1
		if ee, ok := err.(*exitError); ok {
			code = ee.code
		}
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "vigil:", msg)
		}
		os.Exit(code)
	}
}
