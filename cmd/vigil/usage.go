package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses every command keeps (docs/cli.md): 0 success, 1 the daemon
// refused or failed the request (or cannot be reached), 2 a usage error.
const (
	exitFailed = 1
	exitUsage  = 2
)

// usageError marks err as a usage error: exit status 2.
func usageError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{code: exitUsage, err: err}
}

// scriptSafe makes the command tree safe to call from scripts: a group
// command (res, grp, ...) called without a subcommand or with an unknown
// one, a wrong number of arguments and a bad flag all exit 2 instead of
// printing help and exiting 0.
func scriptSafe(root *cobra.Command) {
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		switch {
		case c.HasSubCommands() && !c.Runnable():
			c.Args = unknownSubcommand
			c.RunE = func(c *cobra.Command, _ []string) error {
				return usageError(fmt.Errorf("%s: missing subcommand (one of: %s); see '%s --help'",
					c.CommandPath(), strings.Join(subcommandNames(c), ", "), c.CommandPath()))
			}
		case c.Runnable():
			if c.Args == nil {
				c.Args = cobra.ArbitraryArgs
			}
			check := c.Args
			c.Args = func(c *cobra.Command, args []string) error {
				if err := check(c, args); err != nil {
					return usageError(fmt.Errorf("%s: %w; usage: %s", c.CommandPath(), err, c.UseLine()))
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// unknownSubcommand is the Args check of a group command: any word left is
// a subcommand cobra did not find.
func unknownSubcommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return usageError(fmt.Errorf("%s; see '%s --help'", msg, c.CommandPath()))
}

func subcommandNames(c *cobra.Command) []string {
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return names
}
