package main

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/cluster"
	"github.com/vigil-ha/vigil/framework/daemon"
	"github.com/vigil-ha/vigil/framework/runner"
)

func init() { subcommands = append(subcommands, newGuardCmd) }

// newGuardCmd is the fence guard the daemon of a cluster node starts
// (framework/cluster/guard.go): it reads the daemon's pipe on descriptor 3
// and kills the runner's cgroup tree when the daemon dies or lets its
// deadline pass. It is not for administrators, so it is hidden.
func newGuardCmd() *cobra.Command {
	var base, marker string
	cmd := &cobra.Command{
		Use:    "fence-guard --cgroup DIR | --marker PREFIX",
		Short:  "Kill a cluster daemon's resources when it dies or hangs (started by vigil agent)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kill := func() (int, error) { return runner.KillTree(base) }
			switch {
			case (base == "") == (marker == ""):
				return &exitError{code: 2, err: errors.New("fence-guard: one of --cgroup DIR and --marker PREFIX is required")}
			case marker != "":
				kill = func() (int, error) { return runner.KillMarked(marker) }
			}
			in := os.NewFile(3, "daemon pipe")
			if in == nil {
				return &exitError{code: 2, err: errors.New("fence-guard: no pipe on descriptor 3")}
			}
			log := zap.New(daemon.ConsoleCore(cmd.ErrOrStderr())) // on the daemon's standard error
			defer log.Sync()
			log = log.Named("fence-guard").With(zap.Int("pid", os.Getpid()), zap.String("cgroup", base), zap.String("marker", marker))
			log.Info("fence guard running")
			return cluster.RunGuard(cluster.GuardOptions{In: in, Logger: log, Kill: kill})
		},
	}
	cmd.Flags().StringVar(&base, "cgroup", "", "the daemon runner's cgroup base (every process below it is killed)")
	cmd.Flags().StringVar(&marker, "marker", "", "without cgroups: the daemon runner's run marker prefix (every process whose "+runner.MarkerEnv+" starts with it is killed)")
	return cmd
}
