package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-ha/vigil/framework/secret"
)

func init() { subcommands = append(subcommands, newEncryptCmd) }

func newEncryptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "encrypt [-agent] [SECRET]",
		Short: "Turn an agent password into a shell-safe token for main.cf (like vcsencrypt -agent)",
		Long: "encrypt prints a token for SECRET (or for the first line of standard input) to put in main.cf\n" +
			"as the value of a password attribute. Agents decode it with $HADECRYPT or VCSAG_DECRYPT. The token\n" +
			"holds only letters, digits, '+', '/' and '=', so the unquoted `$HADECRYPT $value` call real agents\n" +
			"make cannot split or expand it. It is an encoding, not encryption: keep main.cf readable by root.",
		Example: "  vigil encrypt 's3cret pass'\n  printf '%s\\n' \"$PW\" | vigil encrypt -agent",
		// vcsencrypt spells its option -agent, which pflag cannot parse:
		// the words are read here.
		DisableFlagParsing: true,
		Args:               cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var rest []string
			for i, a := range args {
				switch a {
				case "-agent", "--agent", "-a":
				case "-h", "--help":
					return cmd.Help()
				case "--":
					rest = append(rest, args[i+1:]...)
				default:
					rest = append(rest, a)
					continue
				}
				if a == "--" {
					break
				}
			}
			if len(rest) > 1 {
				return usageError(fmt.Errorf("encrypt: one secret at a time (got %d words; quote a secret with spaces)", len(rest)))
			}
			args = rest
			var s string
			if len(args) == 1 {
				s = args[0]
			} else {
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if line == "" && err != nil {
					return usageError(errors.New("encrypt: no secret given (as an argument or on standard input)"))
				}
				s = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), secret.Encode(s))
			return err
		},
	}
	return cmd
}
