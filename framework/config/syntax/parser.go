package syntax

import "fmt"

// Parse parses one configuration file. It returns the statements it could
// read and every lexical and syntax error, sorted. A syntax error abandons
// the statement it occurs in; parsing resumes at the next keyword that
// starts a top-level statement.
func Parse(file string, src []byte) (*File, ErrorList) {
	var errs ErrorList
	p := &parser{lex: newLexer(file, src, &errs), errs: &errs}
	p.tok = p.lex.next()
	p.peek = p.lex.next()
	f := &File{Path: file}
	for p.tok.kind != tEOF {
		if s := p.statement(); s != nil {
			f.Stmts = append(f.Stmts, s)
		}
	}
	errs.Sort()
	return f, errs
}

// bailout unwinds a statement after a syntax error has been reported.
type bailout struct{}

type parser struct {
	lex  *lexer
	tok  token // current token
	peek token // the one after it
	errs *ErrorList
}

func (p *parser) next() {
	p.tok = p.peek
	p.peek = p.lex.next()
}

// fail reports a syntax error at the current token (unless the lexer already
// reported one there) and abandons the statement.
func (p *parser) fail(format string, args ...any) {
	if p.tok.kind != tIllegal {
		p.errs.Add(p.tok.pos, fmt.Sprintf(format, args...))
	}
	panic(bailout{})
}

func (p *parser) expect(k tokKind, context string) token {
	t := p.tok
	if t.kind != k {
		p.fail("expected %s %s, found %s", k, context, t.describe())
	}
	p.next()
	return t
}

// accept consumes the current token when it has kind k.
func (p *parser) accept(k tokKind) bool {
	if p.tok.kind == k {
		p.next()
		return true
	}
	return false
}

var topKeywords = map[string]bool{
	"include": true, "cluster": true, "system": true, "group": true, "type": true, "requires": true,
}

// sync skips to the next word that starts a top-level statement.
func (p *parser) sync() {
	p.next()
	for p.tok.kind != tEOF && !(p.tok.kind == tWord && topKeywords[p.tok.text]) {
		p.next()
	}
}

// statement parses one top-level statement, recovering from a syntax error.
//
//	statement = include | block | typedef | groupreq | requires | resource .
func (p *parser) statement() (s Stmt) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			s = nil
			p.sync()
		}
	}()
	t := p.tok
	if t.kind == tWord {
		switch t.text {
		case "include":
			return p.include()
		case "cluster", "system", "group":
			return p.block()
		case "type":
			return p.typeDef()
		case "requires":
			return p.groupRequires()
		}
	}
	if t.kind != tWord && t.kind != tString {
		p.fail("expected a declaration, found %s", t.describe())
	}
	if p.peek.kind == tWord && p.peek.text == "requires" {
		return p.requires()
	}
	return p.resource()
}

// include parses
//
//	include = "include" string [";"] .
func (p *parser) include() Stmt {
	pos := p.tok.pos
	p.next()
	path := p.expect(tString, "(the quoted file name) after include")
	p.accept(tSemi)
	return &Include{Pos: pos, Path: path.text}
}

// name parses a word or a quoted string used as a name.
func (p *parser) name(context string) token {
	t := p.tok
	if t.kind != tWord && t.kind != tString {
		p.fail("expected %s, found %s", context, t.describe())
	}
	if t.text == "" {
		p.fail("empty %s", context)
	}
	p.next()
	return t
}

// block parses
//
//	block = ( "cluster" | "system" | "group" ) name [ "(" { assign } ")" ] .
func (p *parser) block() Stmt {
	kw := p.tok
	p.next()
	n := p.name(kw.text + " name")
	b := &Block{Pos: kw.pos, Kind: kw.text, Name: n.text}
	if p.tok.kind == tLParen {
		b.Attrs = p.assignments()
	}
	p.accept(tSemi)
	return b
}

// assignments parses
//
//	assignments = "(" { assign [ ";" ] } ")" .
func (p *parser) assignments() []*Assign {
	p.expect(tLParen, "")
	var out []*Assign
	for !p.accept(tRParen) {
		out = append(out, p.assign())
		p.accept(tSemi)
	}
	return out
}

// assign parses
//
//	assign = word [ "@" name ] "=" value .
func (p *parser) assign() *Assign {
	n := p.tok
	if n.kind != tWord {
		p.fail("expected an attribute name or ')', found %s", n.describe())
	}
	p.next()
	if p.tok.kind == tLBrack || p.tok.kind == tLBrace {
		p.fail("unexpected %s after attribute %s (a declaration belongs in a type definition)", p.tok.kind, n.text)
	}
	a := &Assign{Pos: n.pos, Name: n.text}
	if p.accept(tAt) {
		sys := p.name("a system name after " + n.text + "@")
		a.System, a.SysPos = sys.text, sys.pos
	}
	p.expect(tEq, "after attribute "+n.text)
	a.Value = p.value()
	return a
}

// scalar parses
//
//	scalar = word | string | integer .
func (p *parser) scalar() Scalar {
	t := p.tok
	switch t.kind {
	case tWord, tString, tInt:
		p.next()
		return Scalar{Pos: t.pos, Text: t.text, Quoted: t.kind == tString, Int: t.kind == tInt}
	}
	p.fail("expected a value, found %s", t.describe())
	return Scalar{}
}

// value parses
//
//	value = scalar | "{" [ elem { ( "," | ";" ) elem } [ "," | ";" ] ] "}" .
//	elem  = scalar [ "=" scalar ] .
func (p *parser) value() *ValueNode {
	pos := p.tok.pos
	if !p.accept(tLBrace) {
		return &ValueNode{Pos: pos, Scalar: p.scalar()}
	}
	v := &ValueNode{Pos: pos, List: true, Elems: []Elem{}}
	for !p.accept(tRBrace) {
		s := p.scalar()
		e := Elem{Scalar: s}
		if p.accept(tEq) {
			key := s
			e = Elem{Key: &key, Scalar: p.scalar()}
		}
		v.Elems = append(v.Elems, e)
		if p.tok.kind != tRBrace && !p.accept(tComma) && !p.accept(tSemi) {
			p.fail("expected ',' or '}' in list, found %s", p.tok.describe())
		}
	}
	return v
}

// resource parses
//
//	resource = name name [ "(" { assign [ ";" ] } ")" ] .
func (p *parser) resource() Stmt {
	typ := p.name("a declaration")
	n := p.name("resource name after type " + typ.text)
	r := &ResourceDef{Pos: typ.pos, Type: typ.text, Name: n.text}
	if p.tok.kind == tLParen {
		r.Attrs = p.assignments()
	}
	p.accept(tSemi)
	return r
}

// requires parses
//
//	requires = name "requires" name .
func (p *parser) requires() Stmt {
	parent := p.name("parent resource")
	p.next() // "requires"
	child := p.name("child resource after requires")
	p.accept(tSemi)
	return &Requires{Pos: parent.pos, Parent: parent.text, Child: child.text, ChildPos: child.pos}
}

// groupRequires parses
//
//	groupreq = "requires" "group" name ( "online" | "offline" ) ( "local" | "global" | "remote" )
//	           [ "soft" | "firm" | "hard" ] .
func (p *parser) groupRequires() Stmt {
	pos := p.tok.pos
	p.next()
	if p.tok.kind != tWord || p.tok.text != "group" {
		p.fail("expected \"group\" after requires, found %s", p.tok.describe())
	}
	p.next()
	g := p.name("group name after requires group")
	d := &GroupRequires{Pos: pos, Group: g.text}
	d.Category = p.oneOf("online", "offline")
	d.Location = p.oneOf("local", "global", "remote")
	if p.tok.kind == tWord && (p.tok.text == "soft" || p.tok.text == "firm" || p.tok.text == "hard") {
		d.Rigidity = p.tok.text
		p.next()
	}
	p.accept(tSemi)
	return d
}

func (p *parser) oneOf(words ...string) string {
	if p.tok.kind == tWord {
		for _, w := range words {
			if p.tok.text == w {
				p.next()
				return w
			}
		}
	}
	list := ""
	for i, w := range words {
		if i > 0 {
			list += ", "
		}
		list += w
	}
	p.fail("expected one of %s, found %s", list, p.tok.describe())
	return ""
}
