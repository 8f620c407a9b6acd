package runner

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/vigil-ha/vigil/framework/arglist"
)

// stockAgent matches the names of the stock script-agent binaries of VCS:
// ScriptAgent (V40 registration), Script50Agent, Script51Agent, ...
var stockAgent = regexp.MustCompile(`^Script([0-9]*)Agent$`)

// maxLinkHops bounds the symlink chain AgentVersion follows.
const maxLinkHops = 8

// AgentVersion returns the registration version of the script agent in
// dir, learnt as VCS does from the stock binary the agent runs (reference
// §2.6), and what revealed it ("" for the default):
//
//  1. `<dir>/<Type>Agent` is a symlink: the first name along its chain
//     that is a stock binary (`QuorumAgent -> /opt/VRTSvcs/bin/ScriptAgent`);
//  2. else a file in dir named after a stock binary (the newest, if several).
//
// ScriptAgent is V40; Script50Agent, Script51Agent and anything newer are
// V50 (their argv is the same). Nothing found, or `<Type>Agent` a plain file
// (a compiled agent), is V50, the default.
func AgentVersion(dir, typeName string) (arglist.Version, string) {
	link := filepath.Join(dir, typeName+"Agent")
	if v, target, ok := linkVersion(link); ok {
		return v, typeName + "Agent -> " + target
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return arglist.V50, ""
	}
	best, found := arglist.Version(0), ""
	for _, e := range entries {
		if v, ok := stockVersion(e.Name()); ok && (found == "" || v > best) {
			best, found = v, e.Name()
		}
	}
	if found == "" {
		return arglist.V50, ""
	}
	return best, found
}

// linkVersion follows the symlink chain from path, hop by hop, and returns
// the version of the first stock binary named along it and that target.
func linkVersion(path string) (arglist.Version, string, bool) {
	for range maxLinkHops {
		target, err := os.Readlink(path)
		if err != nil {
			return 0, "", false
		}
		if v, ok := stockVersion(filepath.Base(target)); ok {
			return v, target, true
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return 0, "", false
}

// stockVersion maps a stock binary name to the version its argv follows.
func stockVersion(name string) (arglist.Version, bool) {
	m := stockAgent.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	if m[1] == "" {
		return arglist.V40, true
	}
	if n, err := strconv.Atoi(m[1]); err == nil && n < int(arglist.V50) {
		return arglist.V40, true
	}
	return arglist.V50, true
}
