package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/config"
	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/daemon"
)

func init() { subcommands = append(subcommands, newCheckCmd) }

// newCheckCmd is `vigil check DIR|main.cf`: verify a configuration like
// `hacf -verify`. Silent exit 0 when valid; else every diagnostic as
// file:line:col: message on stderr and exit 1.
func newCheckCmd() *cobra.Command {
	var printTypes bool
	cmd := &cobra.Command{
		Use:   "check DIR|main.cf",
		Short: "Verify a configuration (main.cf, its includes and types)",
		Long: "check loads DIR/main.cf (or the given file) with every file it includes, and validates it.\n" +
			"It prints nothing and exits 0 when the configuration is valid; otherwise it prints every\n" +
			"error as file:line:col: message on stderr, sorted, and exits 1.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.Load(args[0])
			if err == nil {
				err = daemon.CheckDescriptors(cfg) // amfregister.xml of the agent directories
			}
			if err != nil {
				var list syntax.ErrorList
				if !errors.As(err, &list) {
					return &exitError{code: 1, err: err}
				}
				for _, e := range list {
					fmt.Fprintln(cmd.ErrOrStderr(), e.Error())
				}
				return &exitError{code: 1}
			}
			if printTypes {
				return config.PrintResolvedTypes(cmd.OutOrStdout(), cfg)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&printTypes, "print", false, "print each type with its resolved static attributes on stdout")
	return cmd
}
