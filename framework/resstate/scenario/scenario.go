package scenario

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
)

// Step is one command of a scenario.
type Step struct {
	Line int
	Cmd  string
	Args []string
}

// String renders the command as written.
func (s Step) String() string { return strings.Join(append([]string{s.Cmd}, s.Args...), " ") }

// EP returns the entry point whose scripted result the step is, or "".
func (s Step) EP() ep.Name {
	switch s.Cmd {
	case "monitor":
		return ep.Monitor
	case "open-done":
		return ep.Open
	case "close-done":
		return ep.Close
	case "online-done", "online-timeout":
		return ep.Online
	case "offline-done", "offline-timeout":
		return ep.Offline
	case "clean":
		return ep.Clean
	}
	return ""
}

// Result returns the entry-point result a script or fake must produce for
// an EP step: exit code, and whether it times out instead.
func (s Step) Result() (code int, timeout bool) {
	arg := ""
	if len(s.Args) > 0 {
		arg = s.Args[0]
	}
	switch s.Cmd {
	case "monitor":
		switch arg {
		case "online":
			conf := 100
			if len(s.Args) > 1 {
				conf, _ = strconv.Atoi(s.Args[1])
			}
			return ep.MonitorOffline + max(1, conf/10), false
		case "offline":
			return ep.MonitorOffline, false
		case "intentional":
			return ep.MonitorIntentionalOffline, false
		case "timeout":
			return 0, true
		}
		return ep.MonitorUnknown, false
	case "online-done", "offline-done":
		n, _ := strconv.Atoi(arg)
		return n, false
	case "online-timeout", "offline-timeout":
		return 0, true
	case "clean":
		switch arg {
		case "ok":
			return 0, false
		case "timeout":
			return 0, true
		}
		return 1, false
	}
	return 0, false
}

// Script is a parsed scenario file.
type Script struct {
	Name  string
	Tags  []string
	Steps []Step
	lines []string // command and comment lines, in order, for rendering
	isCmd []bool
}

// HasTag reports whether the scenario carries tag.
func (s *Script) HasTag(tag string) bool {
	for _, t := range s.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// Parse reads a scenario. Output lines (indented) are ignored.
func Parse(name string, data []byte) (*Script, error) {
	s := &Script{Name: name}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line != "" && (line[0] == ' ' || line[0] == '\t') {
			continue
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			s.lines, s.isCmd = append(s.lines, line), append(s.isCmd, false)
			continue
		}
		f := strings.Fields(trimmed)
		st := Step{Line: n, Cmd: f[0], Args: f[1:]}
		if st.Cmd == "tags" {
			s.Tags = append(s.Tags, st.Args...)
			s.lines, s.isCmd = append(s.lines, line), append(s.isCmd, false)
			continue
		}
		s.Steps = append(s.Steps, st)
		s.lines, s.isCmd = append(s.lines, line), append(s.isCmd, true)
	}
	return s, sc.Err()
}

// Load reads every *.txt scenario in dir, sorted by name.
func Load(dir string) ([]*Script, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("scenarios in %s: %w", dir, err)
	}
	sort.Strings(names)
	var out []*Script
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", n, err)
		}
		s, err := Parse(n, data)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", n, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Resource returns resource "r" of a fresh type "T", with the values of
// the "set" commands that come before the first other command.
func (s *Script) Resource() *model.Resource {
	t := &model.Type{Name: "T", Attrs: map[string]*model.AttrDef{}, Statics: map[string]model.Value{}}
	r := &model.Resource{Name: "r", Type: t, Values: map[string]model.Value{}, Overrides: map[string]model.Value{}}
	for _, st := range s.Steps {
		if st.Cmd == "has" {
			continue
		}
		if st.Cmd != "set" {
			break
		}
		Apply(r, st.Args)
	}
	return r
}

// Apply sets KEY=VALUE attribute assignments on r (IMF.Mode=3 sets a key of
// an association; Frozen and TFrozen are attributes of r's group).
func Apply(r *model.Resource, kvs []string) []string {
	var changed []string
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		if k == "Frozen" || k == "TFrozen" {
			// Group attributes (hagrp -freeze): the resource's group.
			if r.Group == nil {
				r.Group = &model.Group{Name: "g", Attrs: map[string]model.Value{}, Resources: []*model.Resource{r}}
			}
			r.Group.Attrs[k] = model.ScalarValue(v)
			changed = append(changed, k)
			continue
		}
		if attr, key, ok := strings.Cut(k, "."); ok {
			cur, _ := r.Attr(attr)
			var out []model.KV
			for _, e := range cur.Assoc {
				if e.Key != key {
					out = append(out, e)
				}
			}
			r.Overrides[attr] = model.AssocValue(append(out, model.KV{Key: key, Value: v})...)
			changed = append(changed, attr)
			continue
		}
		if d, static := model.Catalogue[k]; static && d.Dim == model.Vector {
			// A type-level list (ArgList, IMFRegList): hatype -modify, comma-separated.
			r.Type.Statics[k] = model.ListValue(model.Vector, strings.Split(v, ",")...)
		} else if static {
			r.Overrides[k] = model.ScalarValue(v)
		} else {
			r.Values[k] = model.ScalarValue(v)
		}
		changed = append(changed, k)
	}
	return changed
}

// EPs returns the entry points named by the scenario's "has" command
// (monitor alone when there is none).
func (s *Script) EPs() map[ep.Name]bool {
	out := map[ep.Name]bool{ep.Monitor: true}
	for _, st := range s.Steps {
		if st.Cmd == "has" {
			for _, a := range st.Args {
				out[ep.Name(a)] = true
			}
		}
	}
	return out
}
