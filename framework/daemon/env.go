package daemon

import (
	"fmt"
	"path/filepath"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/scripts"
)

// Env is where entry points come from and what they see: the VCS_HOME
// compatibility tree (ag_i18n_inc.sh, ag_i18n_inc.pm, bundled agents) and
// the agent search path. The daemon and `vigil ep` build it with NewEnv,
// so an entry point behaves the same under both.
type Env struct {
	ConfigDir string   // the configuration directory (holds agents/ and triggers/)
	VCSHome   string   // VCS_HOME of every entry point
	Search    []string // agent directories are looked up in these, in order
}

// NewEnv writes the compatibility tree into vcsHome (default
// <stateDir>/vcs) and returns the environment for configuration cfg: agents
// are searched in <config dir>/agents, then in the tree.
func NewEnv(cfg *model.Config, stateDir, vcsHome string) (*Env, error) {
	if vcsHome == "" {
		vcsHome = filepath.Join(stateDir, "vcs")
	}
	if err := scripts.Materialise(vcsHome); err != nil {
		return nil, fmt.Errorf("compatibility tree: %w", err)
	}
	return &Env{ConfigDir: cfg.Dir, VCSHome: vcsHome,
		Search: append([]string{filepath.Join(cfg.Dir, "agents")}, runner.DefaultSearchPath(vcsHome)...)}, nil
}

// TriggerEnv is the environment of trigger scripts.
func (e *Env) TriggerEnv() []string {
	return []string{"PATH=" + filepath.Join(e.VCSHome, "bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"VCS_HOME=" + e.VCSHome, "VIGIL_CONFIG=" + e.ConfigDir}
}
