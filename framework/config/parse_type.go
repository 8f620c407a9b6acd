package config

import "github.com/vigil-ha/vigil/framework/model"

// kindWords maps the value-type keywords of a declaration to kind and
// dimension (keylist is a dimension written in the kind's place).
var kindWords = map[string]struct {
	kind model.Kind
	dim  model.Dimension
}{
	"str": {model.Str, model.Scalar}, "i18nstr": {model.Str, model.Scalar},
	"int": {model.Int, model.Scalar}, "boolean": {model.Boolean, model.Scalar},
	"keylist": {model.Str, model.Keylist},
}

// typeDef parses
//
//	typedef = "type" name "(" { ( decl | assign ) [ ";" ] } ")" .
func (p *parser) typeDef() Stmt {
	pos := p.tok.pos
	p.next()
	n := p.name("type name")
	td := &TypeDef{Pos: pos, Name: n.text}
	p.expect(tLParen, "after type "+n.text)
	for !p.accept(tRParen) {
		if p.tok.kind == tWord && p.peek.kind == tEq {
			td.Assigns = append(td.Assigns, p.assign())
		} else {
			td.Decls = append(td.Decls, p.attrDecl())
		}
		p.accept(tSemi)
	}
	p.accept(tSemi)
	return td
}

// attrDecl parses
//
//	decl = [ "static" ] [ "temp" ] kind word [ "[" "]" | "{" "}" ] [ "=" value ] .
//	kind = "str" | "i18nstr" | "int" | "boolean" | "keylist" .
func (p *parser) attrDecl() *AttrDecl {
	d := &AttrDecl{Pos: p.tok.pos}
	if p.tok.kind == tWord && p.tok.text == "static" {
		d.Static = true
		p.next()
	}
	if p.tok.kind == tWord && p.tok.text == "temp" {
		d.Temp = true
		p.next()
	}
	kw, ok := kindWords[p.tok.text]
	if p.tok.kind != tWord || !ok {
		p.fail("expected an attribute type (str, int, boolean, keylist) or ')', found %s", p.tok.describe())
	}
	p.next()
	d.Kind, d.Dim = kw.kind, kw.dim
	n := p.tok
	if n.kind != tWord {
		p.fail("expected an attribute name, found %s", n.describe())
	}
	d.Name = n.text
	p.next()
	switch {
	case p.accept(tLBrack):
		p.expect(tRBrack, "after '[' in declaration of "+d.Name)
		d.Dim = p.listDim(d, model.Vector)
	case p.accept(tLBrace):
		p.expect(tRBrace, "after '{' in declaration of "+d.Name)
		d.Dim = p.listDim(d, model.Assoc)
	}
	if p.accept(tEq) {
		d.Value = p.value()
	}
	return d
}

func (p *parser) listDim(d *AttrDecl, dim model.Dimension) model.Dimension {
	if d.Dim == model.Keylist {
		p.errs.Add(d.Pos, "keylist "+d.Name+" cannot also be a vector or association")
	}
	return dim
}
