package e2e

// The architecture rules of docs/architecture.md and the style guide
// that a parser can check: which package may start processes, what the pure
// packages may import, where printing and "|"-joined state text may appear.
//
// TestImports parses every non-test .go file of the module (build
// constraints are ignored on purpose: a violation in a _windows.go file is
// still a violation) and fails naming the rule and file:line: what. It uses
// nothing of the e2e harness; TestMain still builds the binary first.
// TestImportsRulesCatchViolations feeds each rule small in-memory sources
// that break it, so a rule cannot silently stop matching. An exception
// that no longer covers anything fails too: remove it rather than let it
// widen the rule for future code.
//
// Identifiers are matched by import name, without type checking: a local
// variable named like an imported package (say `os`) is treated as that
// package, and a package-level func named print is treated as the builtin.
// Rename such identifiers rather than adding exceptions.
//
// The file runs past the usual ~500 lines: the rule table, its checker and
// the checker's own tests are kept together so that a rule and the sources
// proving it can fail are read (and changed) side by side.

import (
	"bufio"
	"cmp"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// srcFile is one parsed non-test Go file.
type srcFile struct {
	rel  string // slash-separated path from the module root: "framework/runner/command.go"
	dir  string // slash-separated directory from the module root: "framework/runner"
	fset *token.FileSet
	ast  *ast.File
	mod  string            // module path
	name map[string]string // import name in this file -> import path
}

// finding is one breach of a rule before exceptions: what was found, where.
type finding struct {
	rel  string
	line int
	what string
}

// exception lets one known, explained breach stand. at is a file path, or a
// directory prefix ending in "/"; what must equal the finding's text.
type exception struct {
	at, what, why string
}

func (e exception) covers(f finding) bool {
	if strings.HasSuffix(e.at, "/") {
		return strings.HasPrefix(f.rel, e.at) && f.what == e.what
	}
	return f.rel == e.at && f.what == e.what
}

// rule is one named architecture rule: check reports the breaches in one file
// (returning nothing for files outside the rule's scope).
type rule struct {
	name   string
	check  func(f *srcFile) []finding
	except []exception
}

// processStarters are the calls, besides importing os/exec, that start a process.
var processStarters = map[string][]string{
	"os":                    {"StartProcess"},
	"syscall":               {"ForkExec", "StartProcess"},
	"golang.org/x/sys/unix": {"ForkExec"},
}

// rules is the table TestImports enforces.
var rules = []rule{
	{
		name: "only framework/runner starts processes",
		check: func(f *srcFile) []finding {
			if f.in("framework/runner") || f.in("plugins/host") {
				return nil
			}
			return append(f.imports(is("os/exec")), f.usesAny(processStarters)...)
		},
	},
	{
		// Covers framework/resstate and framework/resstate/scenario: the
		// scenario driver must not run entry points or read the clock either;
		// it may only read scenario files.
		name: "resstate is pure",
		check: func(f *srcFile) []finding {
			if !f.in("framework/resstate") {
				return nil
			}
			// time stays allowed for time.Time and time.Duration; what
			// reads or waits on the wall clock is not.
			return append(f.imports(func(p string) bool {
				return slices.Contains([]string{"os", "os/exec", "os/signal", "io/ioutil", "net", "syscall",
					f.mod + "/framework/clock", f.mod + "/framework/runner"}, p) ||
					under(p, "net") || under(p, "golang.org/x/sys")
			}), f.usesAny(map[string][]string{"time": {"Now", "Since", "Until", "Sleep", "After",
				"AfterFunc", "NewTimer", "NewTicker", "Tick"}})...)
		},
		except: []exception{
			{at: "framework/resstate/scenario/scenario.go", what: `imports "os"`,
				why: "Load reads scenario files with os.ReadFile; nothing else of os"},
		},
	},
	{
		name: "configuration syntax imports nothing of the model",
		check: func(f *srcFile) []finding {
			if !f.in("framework/config/syntax") {
				return nil
			}
			return f.imports(func(p string) bool {
				return under(p, f.mod) && !under(p, f.mod+"/framework/config/syntax")
			})
		},
	},
	{
		// wire may import events for the event type it carries; the CLI
		// decodes wire and never sees the engine.
		name: "API wire types are their own package",
		check: func(f *srcFile) []finding {
			switch {
			case f.in("framework/api/wire"):
				return f.imports(func(p string) bool {
					return under(p, f.mod) && !under(p, f.mod+"/framework/api/wire") && p != f.mod+"/framework/events"
				})
			case f.in("cmd/vigil"):
				return f.imports(is(f.mod + "/framework/engine"))
			}
			return nil
		},
	},
	{
		name: "no printing outside cmd",
		check: func(f *srcFile) []finding {
			if !f.in("framework") && !f.in("plugins") && !f.in("scripts") {
				return nil
			}
			out := f.usesAny(map[string][]string{
				"fmt": {"Print", "Println", "Printf"},
				// std log writes to os.Stderr: the same as printing.
				"log": {"Print", "Println", "Printf", "Fatal", "Fatalln", "Fatalf", "Panic", "Panicln", "Panicf"},
			})
			return append(append(out, f.builtinPrints()...), f.stdStreams()...)
		},
		except: []exception{
			{at: "framework/daemon/", what: "os.Stderr as a default value",
				why: "Settings.Stderr defaults to the console when the command passes no writer"},
		},
	},
	{
		name: "vocabulary is typed",
		check: func(f *srcFile) []finding {
			if f.in("framework/state") {
				return nil
			}
			return f.pipeText()
		},
	},
}

func TestImports(t *testing.T) {
	files := loadModule(t)
	if len(files) < 50 {
		t.Fatalf("parsed only %d files: is the module root right?", len(files))
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			breaches, stale := r.run(files)
			for _, b := range breaches {
				t.Errorf("rule %q: %s", r.name, b)
			}
			for _, e := range stale {
				t.Errorf("rule %q: exception %s: %s no longer matches anything; remove it", r.name, e.at, e.what)
			}
		})
	}
}

// run applies r to files and returns the breaches not covered by an
// exception, as "file:line: what", and the exceptions that covered nothing.
// Breaches come sorted by file and line.
func (r rule) run(files []*srcFile) (breaches []string, stale []exception) {
	var found []finding
	for _, f := range files {
		found = append(found, r.check(f)...)
	}
	slices.SortStableFunc(found, func(a, b finding) int {
		return cmp.Or(strings.Compare(a.rel, b.rel), cmp.Compare(a.line, b.line))
	})
	used := make([]bool, len(r.except))
findings:
	for _, fd := range found {
		for i, e := range r.except {
			if e.covers(fd) {
				used[i] = true
				continue findings
			}
		}
		breaches = append(breaches, fd.rel+":"+strconv.Itoa(fd.line)+": "+fd.what)
	}
	for i, e := range r.except {
		if !used[i] {
			stale = append(stale, e)
		}
	}
	return breaches, stale
}

// loadModule parses the module's non-test .go files, skipping testdata,
// vendor, hidden and _ directories and nested modules.
func loadModule(t *testing.T) []*srcFile {
	t.Helper()
	root, mod := moduleRoot(t)
	fset := token.NewFileSet()
	var files []*srcFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		f, err := parseFile(fset, mod, filepath.ToSlash(rel), src)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// moduleRoot walks up from the working directory to go.mod and returns its
// directory and module path.
func moduleRoot(t *testing.T) (root, mod string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		fh, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer fh.Close()
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`)
				}
			}
			t.Fatalf("%s/go.mod: no module line", dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// parseFile parses one file in full (imports-only would miss the calls) and
// records its import names.
func parseFile(fset *token.FileSet, mod, rel string, src []byte) (*srcFile, error) {
	a, err := parser.ParseFile(fset, rel, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	f := &srcFile{rel: rel, dir: path.Dir(rel), fset: fset, ast: a, mod: mod, name: map[string]string{}}
	for _, s := range a.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		n := path.Base(p)
		if s.Name != nil {
			n = s.Name.Name
		}
		if n != "_" && n != "." {
			f.name[n] = p
		}
	}
	return f, nil
}

// under reports whether import path p is pkg or below it.
func under(p, pkg string) bool { return p == pkg || strings.HasPrefix(p, pkg+"/") }

// is matches one import path exactly.
func is(want string) func(string) bool { return func(p string) bool { return p == want } }

// in reports whether f lies in directory dir (slash-separated, from the
// module root) or below it.
func (f *srcFile) in(dir string) bool { return under(f.dir, dir) }

func (f *srcFile) at(n ast.Node, what string) finding {
	return finding{rel: f.rel, line: f.fset.Position(n.Pos()).Line, what: what}
}

// imports reports each import whose path matches banned.
func (f *srcFile) imports(banned func(string) bool) []finding {
	var out []finding
	for _, s := range f.ast.Imports {
		if p, _ := strconv.Unquote(s.Path.Value); banned(p) {
			out = append(out, f.at(s, "imports "+strconv.Quote(p)))
		}
	}
	return out
}

// pkgSel returns the import path and selected name of a pkg.Name expression.
func (f *srcFile) pkgSel(n ast.Node) (pkg, sel string, ok bool) {
	s, isSel := n.(*ast.SelectorExpr)
	if !isSel {
		return "", "", false
	}
	id, isID := s.X.(*ast.Ident)
	if !isID || f.name[id.Name] == "" {
		return "", "", false
	}
	return f.name[id.Name], s.Sel.Name, true
}

// usesAny reports each reference (call or not) to one of the named members
// of the given packages, keyed by import path.
func (f *srcFile) usesAny(banned map[string][]string) []finding {
	var out []finding
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if p, sel, ok := f.pkgSel(n); ok && slices.Contains(banned[p], sel) {
			out = append(out, f.at(n, "uses "+path.Base(p)+"."+sel))
		}
		return true
	})
	return out
}

// builtinPrints reports calls of the print and println builtins.
func (f *srcFile) builtinPrints() []finding {
	var out []finding
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") {
				out = append(out, f.at(c, "calls "+id.Name))
			}
		}
		return true
	})
	return out
}

// stdStreams reports each use of os.Stdout and os.Stderr; assigning one
// to a field (`s.Stderr = os.Stderr`) is reported as a default value.
func (f *srcFile) stdStreams() []finding {
	defaults := map[ast.Node]bool{}
	var out []finding
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, l := range as.Lhs {
				if _, field := l.(*ast.SelectorExpr); field {
					defaults[as.Rhs[i]] = true
				}
			}
		}
		if p, sel, ok := f.pkgSel(n); ok && p == "os" && (sel == "Stdout" || sel == "Stderr") {
			what := "os." + sel
			if defaults[n] {
				what += " as a default value"
			}
			out = append(out, f.at(n, what))
		}
		return true
	})
	return out
}

// pipeText reports strings.Join/Split/Cut with a "|" argument and string
// concatenation with a "|" operand: state text built or parsed by hand.
func (f *srcFile) pipeText() []finding {
	isPipe := func(e ast.Expr) bool {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return false
		}
		s, _ := strconv.Unquote(b.Value)
		return s == "|"
	}
	var out []finding
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			p, sel, ok := f.pkgSel(n.Fun)
			if ok && p == "strings" && slices.Contains([]string{"Join", "Split", "SplitN", "SplitAfter", "SplitAfterN", "Cut"}, sel) &&
				slices.ContainsFunc(n.Args, isPipe) {
				out = append(out, f.at(n, "strings."+sel+`(…, "|")`))
			}
		case *ast.BinaryExpr:
			if n.Op == token.ADD && (isPipe(n.X) || isPipe(n.Y)) {
				out = append(out, f.at(n, `+ "|"`))
			}
		case *ast.AssignStmt:
			if n.Tok == token.ADD_ASSIGN && slices.ContainsFunc(n.Rhs, isPipe) {
				out = append(out, f.at(n, `+ "|"`))
			}
		}
		return true
	})
	return out
}

// TestImportsRulesCatchViolations runs each rule of the table over small
// in-memory files that break it (and some that must pass), so that a rule
// which stops matching fails here instead of passing silently.
func TestImportsRulesCatchViolations(t *testing.T) {
	cases := []struct {
		name, rule string
		files      map[string]string // path from the module root -> source
		want       []string          // breaches, "file:line: what", by file and line
		stale      []string          // exceptions (what) that covered nothing
	}{
		{
			name: "exec and process-starting calls", rule: "only framework/runner starts processes",
			files: map[string]string{
				"cmd/vigil/a.go": "package main\n\nimport \"os/exec\"\n\nvar _ = exec.Command\n",
				"framework/agent/b.go": "package agent\n\nimport (\n\t\"os\"\n\tsc \"syscall\"\n\n\t\"golang.org/x/sys/unix\"\n)\n\n" +
					"func f() {\n\tsc.ForkExec(\"x\", nil, nil)\n\tos.StartProcess(\"x\", nil, nil)\n\t_ = unix.ForkExec\n\t_ = sc.StartProcess\n}\n",
				"framework/runner/ok.go":      "package runner\n\nimport \"os/exec\"\n\nvar _ = exec.Command\n",
				"plugins/host/grpc/ok.go":     "package grpc\n\nimport \"os/exec\"\n\nvar _ = exec.Command\n",
				"framework/agent/ok_field.go": "package agent\n\nvar v struct{ StartProcess int }\n\nvar _ = v.StartProcess\n",
			},
			want: []string{
				`cmd/vigil/a.go:3: imports "os/exec"`,
				"framework/agent/b.go:11: uses syscall.ForkExec",
				"framework/agent/b.go:12: uses os.StartProcess",
				"framework/agent/b.go:13: uses unix.ForkExec",
				"framework/agent/b.go:14: uses syscall.StartProcess",
			},
		},
		{
			name: "impure imports and clock reads", rule: "resstate is pure",
			files: map[string]string{
				"framework/resstate/a.go": "package resstate\n\nimport (\n\t\"net/http\"\n\t\"time\"\n\n" +
					"\t\"github.com/vigil-ha/vigil/framework/clock\"\n)\n\n" +
					"var d time.Duration\nvar at time.Time\n\nfunc f() {\n\t_ = time.Now()\n\ttime.Sleep(d)\n\t<-time.After(d)\n}\n",
				"framework/resstate/scenario/scenario.go": "package scenario\n\nimport \"os\"\n\nvar _ = os.ReadFile\n",
				"framework/resstate/scenario/other.go":    "package scenario\n\nimport (\n\t\"os\"\n\t\"os/exec\"\n)\n",
				"framework/engine/ok.go":                  "package engine\n\nimport \"os\"\n\nvar _ = os.ReadFile\n",
			},
			want: []string{
				`framework/resstate/a.go:4: imports "net/http"`,
				`framework/resstate/a.go:7: imports "github.com/vigil-ha/vigil/framework/clock"`,
				"framework/resstate/a.go:14: uses time.Now",
				"framework/resstate/a.go:15: uses time.Sleep",
				"framework/resstate/a.go:16: uses time.After",
				`framework/resstate/scenario/other.go:4: imports "os"`,
				`framework/resstate/scenario/other.go:5: imports "os/exec"`,
			},
		},
		{
			name: "syntax importing the model", rule: "configuration syntax imports nothing of the model",
			files: map[string]string{
				"framework/config/syntax/a.go": "package syntax\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/vigil-ha/vigil/framework/model\"\n" +
					"\t\"github.com/vigil-ha/vigil/framework/config/syntax/internal/x\"\n)\n",
				"framework/config/ok.go": "package config\n\nimport \"github.com/vigil-ha/vigil/framework/model\"\n",
			},
			want: []string{`framework/config/syntax/a.go:6: imports "github.com/vigil-ha/vigil/framework/model"`},
		},
		{
			name: "wire and the CLI importing the engine", rule: "API wire types are their own package",
			files: map[string]string{
				"framework/api/wire/a.go": "package wire\n\nimport (\n\t\"github.com/vigil-ha/vigil/framework/events\"\n" +
					"\t\"github.com/vigil-ha/vigil/framework/state\"\n)\n",
				"cmd/vigil/b.go":         "package main\n\nimport \"github.com/vigil-ha/vigil/framework/engine\"\n",
				"framework/daemon/ok.go": "package daemon\n\nimport \"github.com/vigil-ha/vigil/framework/engine\"\n",
				"cmd/vigil/ok.go":        "package main\n\nimport \"github.com/vigil-ha/vigil/framework/api/wire\"\n",
			},
			want: []string{
				`cmd/vigil/b.go:3: imports "github.com/vigil-ha/vigil/framework/engine"`,
				`framework/api/wire/a.go:5: imports "github.com/vigil-ha/vigil/framework/state"`,
			},
		},
		{
			name: "printing in library code", rule: "no printing outside cmd",
			files: map[string]string{
				"framework/agent/a.go": "package agent\n\nimport (\n\t\"fmt\"\n\t\"log\"\n\t\"os\"\n)\n\n" +
					"func f(s *struct{ W any }) {\n\tfmt.Println(1)\n\tprintln(2)\n\tfmt.Fprintln(os.Stdout, 3)\n\tlog.Printf(\"4\")\n\ts.W = os.Stderr\n}\n",
				"scripts/b.go":             "package scripts\n\nimport \"fmt\"\n\nfunc f() { fmt.Printf(\"x\") }\n",
				"framework/daemon/c.go":    "package daemon\n\nimport \"os\"\n\nfunc f(s *struct{ Stderr any }) {\n\ts.Stderr = os.Stderr\n\tw := os.Stderr\n\t_ = w\n}\n",
				"cmd/vigil/ok.go":          "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc f() { fmt.Println(os.Stdout) }\n",
				"framework/agent/ok_fp.go": "package agent\n\nimport (\n\t\"fmt\"\n\t\"io\"\n)\n\nfunc g(w io.Writer) { fmt.Fprintln(w, fmt.Sprint(1)) }\n",
			},
			want: []string{
				"framework/agent/a.go:10: uses fmt.Println",
				"framework/agent/a.go:11: calls println",
				"framework/agent/a.go:12: os.Stdout",
				"framework/agent/a.go:13: uses log.Printf",
				"framework/agent/a.go:14: os.Stderr as a default value",
				"framework/daemon/c.go:7: os.Stderr",
				"scripts/b.go:5: uses fmt.Printf",
			},
		},
		{
			name: "state text joined and split by hand", rule: "vocabulary is typed",
			files: map[string]string{
				"framework/engine/a.go": "package engine\n\nimport \"strings\"\n\nfunc f(s string, l []string) {\n" +
					"\t_ = strings.Join(l, \"|\")\n\t_ = strings.Split(s, `|`)\n\t_, _, _ = strings.Cut(s, \"|\")\n\t_ = s + \"|\" + s\n\ts += \"|\"\n\t_ = strings.Join(l, \",\")\n}\n",
				"framework/state/ok.go":  "package state\n\nimport \"strings\"\n\nvar _ = strings.Join(nil, \"|\") + \"|\"\n",
				"cmd/vigil/apiclient.go": "package main\n\nimport \"strings\"\n\nfunc f(l []string) string { return strings.Join(l, \"|\") }\n",
			},
			want: []string{
				`cmd/vigil/apiclient.go:5: strings.Join(…, "|")`,
				`framework/engine/a.go:6: strings.Join(…, "|")`,
				`framework/engine/a.go:7: strings.Split(…, "|")`,
				`framework/engine/a.go:8: strings.Cut(…, "|")`,
				`framework/engine/a.go:9: + "|"`, // (s + "|") + s: one "|" operand
				`framework/engine/a.go:10: + "|"`,
			},
		},
		{
			name: "an exception that covers nothing is stale", rule: "no printing outside cmd",
			files: map[string]string{
				"framework/daemon/d.go": "package daemon\n\nfunc f() {}\n",
			},
			stale: []string{"os.Stderr as a default value"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := slices.IndexFunc(rules, func(r rule) bool { return r.name == c.rule })
			if i < 0 {
				t.Fatalf("no rule %q in the table", c.rule)
			}
			fset := token.NewFileSet()
			var files []*srcFile
			for rel, src := range c.files {
				f, err := parseFile(fset, "github.com/vigil-ha/vigil", rel, []byte(src))
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			got, stale := rules[i].run(files)
			if !slices.Equal(got, c.want) {
				t.Errorf("breaches:\n got  %q\n want %q", got, c.want)
			}
			var staleWhat []string
			for _, e := range stale {
				staleWhat = append(staleWhat, e.what)
			}
			if !slices.Equal(staleWhat, c.stale) {
				t.Errorf("stale exceptions: got %q, want %q", staleWhat, c.stale)
			}
		})
	}
}
