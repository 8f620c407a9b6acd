package syntax

// kindWords are the type keywords of a declaration (keylist is a dimension
// written in the kind's place; package config gives them their meaning).
var kindWords = map[string]bool{"str": true, "i18nstr": true, "int": true, "boolean": true, "keylist": true}

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
	if p.tok.kind != tWord || !kindWords[p.tok.text] {
		p.fail("expected an attribute type (str, int, boolean, keylist) or ')', found %s", p.tok.describe())
	}
	d.Kind = p.tok.text
	p.next()
	n := p.tok
	if n.kind != tWord {
		p.fail("expected an attribute name, found %s", n.describe())
	}
	d.Name = n.text
	p.next()
	switch {
	case p.accept(tLBrack):
		p.expect(tRBrack, "after '[' in declaration of "+d.Name)
		d.Shape = p.listShape(d, Square)
	case p.accept(tLBrace):
		p.expect(tRBrace, "after '{' in declaration of "+d.Name)
		d.Shape = p.listShape(d, Curly)
	}
	if p.accept(tEq) {
		d.Value = p.value()
	}
	return d
}

// listShape reports brackets after a keylist, which is a list already.
func (p *parser) listShape(d *AttrDecl, s Shape) Shape {
	if d.Kind == "keylist" {
		p.errs.Add(d.Pos, "keylist "+d.Name+" cannot also be a vector or association")
	}
	return s
}
