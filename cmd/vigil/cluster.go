package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/cluster"
	"github.com/vigil-ha/vigil/framework/daemon"
)

func init() { subcommands = append(subcommands, newSysCmd) }

// newSysCmd is `vigil sys list|state|freeze|unfreeze` (like hasys).
func newSysCmd() *cobra.Command {
	f := &clientFlags{}
	cmd := &cobra.Command{Use: "sys", Short: "Show the systems of the cluster (like hasys)",
		Example: "  vigil sys list\n  vigil sys state node2 --json\n  vigil sys freeze node2"}
	f.addSocketFlag(cmd)
	list := &cobra.Command{Use: "list", Short: "List the systems with their states", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			v, err := f.client().Cluster(ctx)
			if err != nil {
				return err
			}
			if f.json {
				return printJSON(cmd.OutOrStdout(), v.Systems)
			}
			return printSystems(cmd.OutOrStdout(), v)
		}}
	f.addJSONFlag(list)
	sf := &clientFlags{}
	state := &cobra.Command{Use: "state SYS", Short: "Print a system's state", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			v, err := f.client().Cluster(ctx)
			if err != nil {
				return err
			}
			for _, s := range v.Systems {
				if s.Name == args[0] {
					if sf.json {
						return printJSON(cmd.OutOrStdout(), s)
					}
					fmt.Fprintln(cmd.OutOrStdout(), s.State)
					return nil
				}
			}
			return &exitError{code: 1, err: fmt.Errorf("system %q is not in the cluster", args[0])}
		}}
	state.Flags().BoolVar(&sf.json, "json", false, "print JSON instead of a table")
	cmd.AddCommand(list, state, sysFreeze(f, true), sysFreeze(f, false))
	return cmd
}

// sysFreeze is `vigil sys freeze|unfreeze SYS` (like hasys -freeze): a
// frozen system takes no failover group; what runs on it stays.
func sysFreeze(f *clientFlags, on bool) *cobra.Command {
	verb := map[bool]string{true: "freeze", false: "unfreeze"}[on]
	short := map[bool]string{true: "Freeze a system: it takes no failover group (groups online on it stay)",
		false: "Unfreeze a system: it may take failover groups again"}[on]
	return &cobra.Command{Use: verb + " SYS", Short: short, Args: cobra.ExactArgs(1),
		Example: "  vigil sys " + verb + " node2",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext()
			defer cancel()
			return f.client().FreezeSystem(ctx, args[0], on)
		}}
}

func printSystems(out io.Writer, v wire.ClusterView) error {
	tw := table(out)
	fmt.Fprintln(tw, "SYSTEM\tSTATE\tFROZEN\tETCD\tGROUPS")
	for _, s := range v.Systems {
		name := s.Name
		if name == v.System {
			name += " (this)"
		}
		groups := strings.Join(s.Groups, ",")
		if groups == "" {
			groups = "-"
		}
		role := "-"
		if s.Leader {
			role = "leader"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, s.State, yesNo(s.Frozen), role, groups)
	}
	return tw.Flush()
}

// printClusterStatus adds the systems and where each failover group runs
// to `vigil status`; a single-node daemon adds nothing.
func printClusterStatus(ctx context.Context, out io.Writer, c *api.Client) error {
	v, err := c.Cluster(ctx)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	if !v.Live {
		fmt.Fprintf(out, "System %s holds no valid cluster lease: it starts nothing\n\n", v.System)
	}
	if err := printSystems(out, v); err != nil {
		return err
	}
	fmt.Fprintln(out)
	tw := table(out)
	fmt.Fprintln(tw, "GROUP\tONLINE ON\tTOKEN\tWANTED\tFAULTED ON\tSYSTEMLIST")
	for _, g := range v.Groups {
		if g.Parallel {
			fmt.Fprintf(tw, "%s\t(parallel)\t-\t-\t-\t%s\n", g.Name, strings.Join(g.SystemList, ","))
			continue
		}
		owner, token, want, faulted := "-", "-", "no", "-"
		if g.Owner != "" {
			owner, token = g.Owner, fmt.Sprint(g.Token)
		}
		if g.Intent != "" {
			want = "yes"
		}
		if len(g.Faulted) > 0 {
			faulted = strings.Join(g.Faulted, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", g.Name, owner, token, want, faulted, strings.Join(g.SystemList, ","))
	}
	return tw.Flush()
}

// grpSwitch is `vigil grp switch GRP --to SYS` (like hagrp -switch).
func grpSwitch(f *clientFlags) *cobra.Command {
	var w waitFlags
	var to string
	cmd := &cobra.Command{
		Use: "switch GRP --to SYS", Short: "Move an online failover group to another system: offline here, then online there",
		Args:              cobra.ExactArgs(1),
		Example:           "  vigil grp switch websg --to node2 --wait",
		ValidArgsFunction: completeNames(f, groupName, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return &exitError{code: 2, err: errors.New("grp switch: --to SYS is required")}
			}
			return f.done(cmd, place(f, args[0], to, true, w))
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the system to move the group to")
	w.add(cmd)
	f.addJSONFlag(cmd)
	return cmd
}

// place asks the cluster for a group online on a system.
func place(f *clientFlags, group, sys string, move bool, w waitFlags) error {
	ctx, cancel := cmdContext()
	defer cancel()
	op := w.request()
	return f.client().PlaceGroup(ctx, group, wire.PlaceRequest{System: sys, Switch: move, Wait: op.Wait, Timeout: op.Timeout})
}

// addClusterFlags adds the cluster flags of `vigil agent`.
func addClusterFlags(fl *pflag.FlagSet) {
	fl.Bool("cluster", false, "run in a cluster with an etcd member embedded in this daemon")
	fl.StringSlice("etcd-endpoints", nil, "run in a cluster over this existing etcd cluster (client URLs, comma separated)")
	fl.String("peer-url", "http://127.0.0.1:2380", "with --cluster: the embedded member's peer URL")
	fl.String("client-url", "http://127.0.0.1:2379", "with --cluster: the embedded member's client URL")
	fl.String("initial-cluster", "", "with --cluster: every member as SYSTEM=PEER-URL, comma separated (default: this system alone)")
	fl.String("etcd-data-dir", "", "with --cluster: the embedded member's data directory (default <state-dir>/etcd)")
	fl.Duration("lease-ttl", cluster.DefaultTTL, "cluster lease TTL (whole seconds): a dead system's groups start elsewhere after it")
	fl.String("watchdog", "", "watchdog device fed while the lease is valid (e.g. /dev/watchdog); empty = none")
	fl.Bool("fence-guard", true, "run the fence guard: a process that kills this daemon's resources if the daemon dies or hangs, before its lease can expire")
}

// clusterSettings reads the cluster flags.
func clusterSettings(v *viper.Viper) daemon.ClusterSettings {
	return daemon.ClusterSettings{Embedded: v.GetBool("cluster"), Endpoints: v.GetStringSlice("etcd-endpoints"),
		PeerURL: v.GetString("peer-url"), ClientURL: v.GetString("client-url"), InitialCluster: v.GetString("initial-cluster"),
		DataDir: v.GetString("etcd-data-dir"), TTL: v.GetDuration("lease-ttl"), Watchdog: v.GetString("watchdog"),
		Guard: guardCommand(v.GetBool("fence-guard"))}
}

// guardCommand is the fence guard's command: this binary's fence-guard
// subcommand (guard.go); nil when turned off or when this binary cannot be
// found.
func guardCommand(on bool) []string {
	if !on {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	return []string{exe, "fence-guard"}
}

// offlineAny asks the cluster to take a group offline wherever it runs.
func offlineAny(f *clientFlags, group string, w waitFlags) error {
	ctx, cancel := cmdContext()
	defer cancel()
	return f.client().OfflineGroupAny(ctx, group, w.request())
}
