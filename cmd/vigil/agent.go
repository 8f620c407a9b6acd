package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/vigil-ha/vigil/framework/agentlog"
	"github.com/vigil-ha/vigil/framework/api"
	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/daemon"
)

func init() { subcommands = append(subcommands, newAgentCmd) }

func newAgentCmd() *cobra.Command {
	v := viper.New()
	cmd := &cobra.Command{
		Use:   "agent --config DIR",
		Short: "Run the engine and all agents in the foreground until SIGTERM/SIGINT",
		Long: "agent loads and validates DIR/main.cf (refusing to start on any error, printing all of them),\n" +
			"starts one agent per type that has resources on this system, probes every resource, brings\n" +
			"AutoStart groups online in dependency order and serves the local API. On SIGTERM or SIGINT it\n" +
			"stops the agents (running their shutdown entry points) and exits; it takes nothing offline.\n" +
			"Every flag can also be set as VIGIL_<FLAG> in the environment (e.g. VIGIL_STATE_DIR) or as\n" +
			"<flag>: value in the settings file (--config-file, default " + defaultSettingsFile + ");\n" +
			"a flag wins over the environment, which wins over the file.",
		Example: "  vigil agent --config /etc/vigil\n" +
			"  VIGIL_LOG_DIR=/tmp/log vigil agent --config ./conf --socket ./vigil.sock --state-dir ./state\n" +
			"  vigil agent --config-file /etc/vigil/vigil.yaml --debug",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := readSettingsFile(v, cmd.Flags().Changed("config-file")); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
			}
			s := daemon.Settings{Config: v.GetString("config"), Socket: v.GetString("socket"),
				StateDir: v.GetString("state-dir"), LogDir: v.GetString("log-dir"), System: v.GetString("system"),
				LogFormat: v.GetString("log-format"), MetricsAddr: v.GetString("metrics-addr"),
				VCSHome: v.GetString("vcs-home"), StopTimeout: v.GetDuration("stop-timeout"),
				TriggerTimeout: v.GetDuration("trigger-timeout"), Stderr: cmd.ErrOrStderr(), Debug: v.GetBool("debug")}
			if s.Config == "" {
				return &exitError{code: 2, err: errors.New("agent: --config DIR is required")}
			}
			s.Cluster = clusterSettings(v) // cluster.go
			s.Registry = daemon.DefaultRegistryWith(daemon.PluginOptions{StartTimeout: v.GetDuration("plugin-start-timeout")})
			return runDaemon(cmd, s)
		},
	}
	fl := cmd.Flags()
	fl.String("config-file", defaultSettingsFile, "settings file (YAML, keys named as the flags); a missing default file is ignored")
	fl.String("config", "", "configuration directory holding main.cf (or a main.cf file)")
	fl.String("socket", api.DefaultSocket, "API socket path")
	fl.String("state-dir", "/var/lib/vigil", "state directory (group intents, the VCS_HOME compatibility tree)")
	fl.String("log-dir", "/var/log/vigil", "log directory (engine_A.log, <Type>_A.log)")
	fl.String("system", "", "this node's system name in main.cf (default: the host name)")
	fl.String("log-format", agentlog.FormatVCS, "log file format: vcs or json")
	fl.String("metrics-addr", "", "serve Prometheus metrics on this TCP address (e.g. 127.0.0.1:9464); empty = off")
	fl.String("vcs-home", "", "VCS_HOME compatibility tree for entry points (default <state-dir>/vcs)")
	fl.Duration("stop-timeout", 2*time.Minute, "bound on stopping the agents at shutdown")
	fl.Duration("trigger-timeout", 60*time.Second, "time limit of one trigger script run")
	fl.Duration("plugin-start-timeout", 30*time.Second, "time limit of a Go plugin agent's start-up (handshake)")
	fl.Bool("debug", false, "write every agent's state-machine step lines (else only for types with LogDbg set)")
	addClusterFlags(fl)
	v.BindPFlags(fl)
	v.SetEnvPrefix("VIGIL")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	return cmd
}

// runDaemon runs the daemon until SIGTERM or SIGINT, printing every
// configuration error when it cannot start.
func runDaemon(cmd *cobra.Command, s daemon.Settings) error {
	d, err := daemon.New(s)
	if err != nil {
		var list syntax.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintln(cmd.ErrOrStderr(), e.Error())
			}
			return &exitError{code: 1, err: fmt.Errorf("agent: configuration has %d error(s); not starting", len(list))}
		}
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := d.Run(ctx); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("agent: %w", err)}
	}
	return nil
}
