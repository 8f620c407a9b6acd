package host

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/antchfx/xmlquery"

	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// AgentType is the agenttype of an agent information file.
type AgentType string

// Agent types (reference §7.2).
const (
	Script AgentType = "Script"
	Binary AgentType = "Binary"
	Mixed  AgentType = "Mixed"
)

// Errors of Detect.
var (
	ErrNotPlugin = errors.New("not a plugin type")
	ErrAgentInfo = errors.New("bad agent information file")
)

// Plan is how a plugin type runs.
type Plan struct {
	Binary string    // the plugin binary
	Type   AgentType // Binary, or Mixed (scripts of Dir for the rest)
	Dir    string    // the agent directory ("" with AgentFile and no directory)
	Why    string    // what decided it, for logs
}

// Detect decides whether type t runs as a plugin, given its agent
// directory dir ("" when none was found): AgentFile names the binary;
// else <dir>/<Type>.xml with agenttype Binary or Mixed names
// <dir>/<Type>Agent; else <dir>/<Type>Agent is a go-plugin binary (an ELF
// file carrying vigil's handshake cookie — a `<Type>Agent` symlink to a VCS
// ScriptAgent is not). Otherwise the error wraps ErrNotPlugin. An agent
// information file that cannot be read or parsed is an error naming the
// file; so is a Binary or Mixed file without a plugin binary.
func Detect(t *model.Type, dir string) (Plan, error) {
	kind, infoPath, err := agentInfo(t, dir)
	if err != nil {
		return Plan{}, err
	}
	if v, _ := t.StaticValue("AgentFile"); v.Scalar != "" {
		if kind == "" {
			kind = Binary
		}
		if !isPlugin(v.Scalar) {
			return Plan{}, fmt.Errorf("type %q: AgentFile %s is not a vigil plugin binary", t.Name, v.Scalar)
		}
		return Plan{Binary: v.Scalar, Type: kind, Dir: dir, Why: "AgentFile"}, nil
	}
	if dir == "" {
		return Plan{}, fmt.Errorf("type %q: no agent directory: %w", t.Name, ErrNotPlugin)
	}
	bin := filepath.Join(dir, t.Name+"Agent")
	switch kind {
	case Binary, Mixed:
		if !isPlugin(bin) {
			return Plan{}, fmt.Errorf("%s: agenttype %s but %s is not a vigil plugin binary", infoPath, kind, bin)
		}
		return Plan{Binary: bin, Type: kind, Dir: dir, Why: infoPath}, nil
	case Script:
		return Plan{}, fmt.Errorf("%s says agenttype Script: %w", infoPath, ErrNotPlugin)
	}
	if isPlugin(bin) {
		return Plan{Binary: bin, Type: Mixed, Dir: dir, Why: bin + " is a go-plugin binary"}, nil
	}
	return Plan{}, fmt.Errorf("type %q: %w", t.Name, ErrNotPlugin)
}

// agentInfo reads <dir>/<Type>.xml when it exists and returns its
// agenttype ("" when there is no file).
func agentInfo(t *model.Type, dir string) (AgentType, string, error) {
	if dir == "" {
		return "", "", nil
	}
	p := filepath.Join(dir, t.Name+".xml")
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", p, fmt.Errorf("%s: %w", p, err)
	}
	defer f.Close()
	kind, err := ParseAgentType(f)
	if err != nil {
		return "", p, fmt.Errorf("%s: %w", p, err)
	}
	return kind, p, nil
}

// ParseAgentType returns the agenttype of an agent information file
// (<agent><agenttype>Binary</agenttype>...</agent>); a missing agenttype is
// Script, as for VCS.
func ParseAgentType(r io.Reader) (AgentType, error) {
	doc, err := xmlquery.Parse(r)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrAgentInfo, err)
	}
	if xmlquery.FindOne(doc, "/agent") == nil {
		return "", fmt.Errorf("%w: root element is not <agent>", ErrAgentInfo)
	}
	n := xmlquery.FindOne(doc, "/agent/agenttype")
	if n == nil {
		return Script, nil
	}
	switch v := strings.TrimSpace(n.InnerText()); strings.ToLower(v) {
	case "script":
		return Script, nil
	case "binary":
		return Binary, nil
	case "mixed":
		return Mixed, nil
	default:
		return "", fmt.Errorf("%w: agenttype %q is not Script, Binary or Mixed", ErrAgentInfo, v)
	}
}

// isPlugin reports whether p is an ELF executable carrying sdk.Handshake's
// cookie.
func isPlugin(p string) bool {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return false
	}
	b, err := os.ReadFile(p)
	if err != nil || !bytes.HasPrefix(b, []byte("\x7fELF")) {
		return false
	}
	return bytes.Contains(b, []byte(sdk.Handshake.MagicCookieValue))
}
