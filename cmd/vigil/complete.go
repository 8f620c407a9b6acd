package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"
)

// completionTimeout bounds the API call a shell completion makes: a shell
// must never hang on a daemon that does not answer.
const completionTimeout = 2 * time.Second

// nameKind is what a positional argument names.
type nameKind int

const (
	resourceName nameKind = iota
	groupName
	typeName
)

// completeNames returns a ValidArgsFunction completing the first n
// positional arguments as names of kind, read from the daemon. Without a
// daemon it completes nothing (and no file names).
func completeNames(f *clientFlags, kind nameKind, n int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= n {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		names, err := listNames(ctx, f, kind)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

func listNames(ctx context.Context, f *clientFlags, kind nameKind) ([]string, error) {
	c := f.client()
	var names []string
	switch kind {
	case resourceName:
		rs, err := c.Resources(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			names = append(names, r.Name)
		}
	case groupName:
		gs, err := c.Groups(ctx)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			names = append(names, g.Name)
		}
	case typeName:
		ts, err := c.Types(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			names = append(names, t.Name)
		}
	}
	return names, nil
}
