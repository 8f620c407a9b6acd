package amfxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/antchfx/xmlquery"

	"github.com/vigil-ha/vigil/framework/config/syntax"
	"github.com/vigil-ha/vigil/framework/model"
)

// FileName is the descriptor's name in an agent directory.
const FileName = "amfregister.xml"

// tags lists, per RegType, the tags a block may carry; one of required
// must be there. This table is the descriptor registry: a RegType is known
// when it is here.
var tags = map[string]struct{ allowed, required []string }{
	"PRON": {allowed: []string{"ReaperName", "ProcPattern", "PronOptions", "PidFile"}, required: []string{"ProcPattern", "PidFile"}},
	"PROFF": {allowed: []string{"ReaperName", "Owner", "Path", "arg0", "args", "ProcPattern", "PronOptions"},
		required: []string{"Path", "arg0", "ProcPattern"}},
	"MNTON":  {allowed: []string{"ReaperName", "MountPoint", "BlockDevice", "FSType"}, required: []string{"MountPoint"}},
	"MNTOFF": {allowed: []string{"ReaperName", "MountPoint", "BlockDevice", "FSType"}, required: []string{"MountPoint"}},
}

// RegTypes lists the registration types a descriptor may use, sorted.
func RegTypes() []string {
	out := make([]string, 0, len(tags))
	for k := range tags {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Online reports whether a RegType is registered for ONLINE resources.
func Online(regType string) bool { return regType == "PRON" || regType == "MNTON" }

// Text is a tag's text and where it is.
type Text struct {
	Raw  string
	Line int
}

// Block is one <Register> block.
type Block struct {
	RegType string
	Line    int
	Tags    map[string]Text
}

// Descriptor is one parsed amfregister.xml.
type Descriptor struct {
	File   string
	Blocks []Block
}

var ref = regexp.MustCompile(`\$\{([^}]*)\}`)

// Load reads and parses a descriptor file.
func Load(path string) (*Descriptor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("IMF descriptor: %w", err)
	}
	return Parse(bytes.NewReader(b), path)
}

// Parse reads a descriptor; file names it in diagnostics. Every problem
// is reported, as a syntax.ErrorList sorted by position.
func Parse(r io.Reader, file string) (*Descriptor, error) {
	var errs syntax.ErrorList
	at := func(line int) syntax.Pos { return syntax.Pos{File: file, Line: max(line, 1), Col: 1} }
	doc, err := xmlquery.ParseWithOptions(r, xmlquery.ParserOptions{WithLineNumbers: true})
	if err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			errs.Add(at(se.Line), "XML: "+se.Msg)
		} else {
			errs.Add(at(1), "XML: "+err.Error())
		}
		return nil, errs.Err()
	}
	d := &Descriptor{File: file}
	root := elements(doc)
	if len(root) != 1 || root[0].Data != "xml" {
		errs.Add(at(1), "the root element must be <xml>")
		return nil, errs.Err()
	}
	seen := map[string]int{}
	for _, reg := range elements(root[0]) {
		if b, ok := parseBlock(reg, seen, at, &errs); ok {
			d.Blocks = append(d.Blocks, b)
		}
	}
	if len(d.Blocks) == 0 && len(errs) == 0 {
		errs.Add(at(1), "no <Register> block")
	}
	errs.Sort()
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// parseBlock reads one <Register> element; seen maps each RegType already
// read to its line. Problems go to errs; ok is false when the block is
// unusable (not a Register, no or an unknown RegType).
func parseBlock(reg *xmlquery.Node, seen map[string]int, at func(int) syntax.Pos, errs *syntax.ErrorList) (Block, bool) {
	if reg.Data != "Register" {
		errs.Add(at(reg.LineNumber), fmt.Sprintf("unknown element <%s> (want <Register>)", reg.Data))
		return Block{}, false
	}
	b := Block{Line: reg.LineNumber, Tags: map[string]Text{}}
	for _, t := range elements(reg) {
		if _, dup := b.Tags[t.Data]; dup {
			errs.Add(at(t.LineNumber), fmt.Sprintf("<%s> given twice in one <Register>", t.Data))
		}
		if len(elements(t)) > 0 {
			errs.Add(at(t.LineNumber), fmt.Sprintf("<%s> must hold text only", t.Data))
		}
		b.Tags[t.Data] = Text{Raw: strings.TrimSpace(t.InnerText()), Line: t.LineNumber}
	}
	rt, ok := b.Tags["RegType"]
	delete(b.Tags, "RegType")
	b.RegType = rt.Raw
	spec, known := tags[b.RegType]
	switch {
	case !ok:
		errs.Add(at(b.Line), "<Register> without <RegType>")
		return b, false
	case !known:
		errs.Add(at(rt.Line), fmt.Sprintf("unknown RegType %q (known: %s)", b.RegType, strings.Join(RegTypes(), ", ")))
		return b, false
	}
	if prev, dup := seen[b.RegType]; dup {
		errs.Add(at(b.Line), fmt.Sprintf("second %s block (the first is at line %d)", b.RegType, prev))
	}
	seen[b.RegType] = b.Line
	for _, name := range sortedKeys(b.Tags) {
		if !slices.Contains(spec.allowed, name) {
			errs.Add(at(b.Tags[name].Line), fmt.Sprintf("unknown tag <%s> in a %s block (allowed: %s)", name, b.RegType,
				strings.Join(spec.allowed, ", ")))
		}
		for _, m := range ref.FindAllStringSubmatch(b.Tags[name].Raw, -1) {
			if m[1] == "" {
				errs.Add(at(b.Tags[name].Line), fmt.Sprintf("empty ${} in <%s>", name))
			}
		}
	}
	if !slices.ContainsFunc(spec.required, func(n string) bool { _, ok := b.Tags[n]; return ok }) {
		errs.Add(at(b.Line), fmt.Sprintf("%s block needs <%s>", b.RegType, strings.Join(spec.required, "> or <")))
	}
	return b, true
}

// elements returns the element children of a node.
func elements(n *xmlquery.Node) []*xmlquery.Node {
	var out []*xmlquery.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			out = append(out, c)
		}
	}
	return out
}

func sortedKeys(m map[string]Text) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check validates the descriptor against a type: every ${Attr} must name
// an attribute of the type.
func (d *Descriptor) Check(t *model.Type) error {
	var errs syntax.ErrorList
	for _, b := range d.Blocks {
		for _, name := range sortedKeys(b.Tags) {
			for _, m := range ref.FindAllStringSubmatch(b.Tags[name].Raw, -1) {
				_, resAttr := model.ResourceCatalogue[m[1]]
				if _, ok := t.Attr(m[1]); !ok && !resAttr && m[1] != "" {
					errs.Add(syntax.Pos{File: d.File, Line: b.Tags[name].Line, Col: 1},
						fmt.Sprintf("<%s>: ${%s}: type %s has no attribute %s", name, m[1], t.Name, m[1]))
				}
			}
		}
	}
	errs.Sort()
	return errs.Err()
}

// Resolved is one block with ${Attr} replaced for one resource. A tag
// whose whole text is one ${Attr} of a list attribute (vector, keylist)
// also has the list's elements in Lists: one pattern or pid file each.
type Resolved struct {
	RegType string
	Tags    map[string]string
	Lists   map[string][]string
}

// Resolve returns the blocks for one state of r (PRON and MNTON when
// online, PROFF and MNTOFF when offline) with ${Attr} replaced by the
// resource's values (a list joined by spaces).
func (d *Descriptor) Resolve(r *model.Resource, online bool) []Resolved {
	var out []Resolved
	for _, b := range d.Blocks {
		if Online(b.RegType) != online {
			continue
		}
		x := Resolved{RegType: b.RegType, Tags: map[string]string{}, Lists: map[string][]string{}}
		for name, t := range b.Tags {
			x.Tags[name] = ref.ReplaceAllStringFunc(t.Raw, func(s string) string {
				return valueText(r, s[2:len(s)-1])
			})
			if m := ref.FindStringSubmatch(t.Raw); m != nil && m[0] == t.Raw {
				if v, ok := r.Attr(m[1]); ok && (v.Dim == model.Vector || v.Dim == model.Keylist) {
					x.Lists[name] = append([]string(nil), v.List...)
				}
			}
		}
		out = append(out, x)
	}
	return out
}

// valueText renders an attribute value as text.
func valueText(r *model.Resource, attr string) string {
	v, ok := r.Attr(attr)
	if !ok {
		return ""
	}
	switch v.Dim {
	case model.Scalar:
		return v.Scalar
	case model.Assoc:
		var parts []string
		for _, kv := range v.Assoc {
			parts = append(parts, kv.Key, kv.Value)
		}
		return strings.Join(parts, " ")
	}
	return strings.Join(v.List, " ")
}

// Find returns the descriptor path of an agent directory, or "" if it has
// none.
func Find(agentDir string) string {
	if agentDir == "" {
		return ""
	}
	p := filepath.Join(agentDir, FileName)
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p
	}
	return ""
}
