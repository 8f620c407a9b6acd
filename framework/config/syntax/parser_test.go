package syntax

import (
	"reflect"
	"strings"
	"testing"
)

func TestLexer(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // kind:text@line:col
	}{
		{"punctuation", "( ) { } [ ] = , ;", []string{"'(':(@1:1", "')':)@1:3", "'{':{@1:5", "'}':}@1:7",
			"'[':[@1:9", "']':]@1:11", "'=':=@1:13", "',':,@1:15", "';':;@1:17"}},
		{"words and numbers", "eth0 my-name a.b R:Attr -12 +3 0", []string{"word:eth0@1:1", "word:my-name@1:6",
			"word:a.b@1:14", "word:R:Attr@1:18", "integer:-12@1:25", "integer:+3@1:29", "integer:0@1:32"}},
		{"escapes", `"a \"q\" b\\c \n"`, []string{`string:a "q" b\c \n@1:1`}},
		{"comments", "a // x\n/* y\nz */ b", []string{"word:a@1:1", "word:b@3:6"}},
		{"byte order mark", "\xEF\xBB\xBFa\r\nb", []string{"word:a@1:1", "word:b@2:1"}},
		{"positions across lines", "x\n\n  \"s\"\n\t7", []string{"word:x@1:1", "string:s@3:3", "integer:7@4:2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs ErrorList
			l := newLexer("f", []byte(tc.src), &errs)
			var got []string
			for tok := l.next(); tok.kind != tEOF; tok = l.next() {
				got = append(got, tok.kind.String()+":"+tok.text+"@"+strings.TrimPrefix(tok.pos.String(), "f:"))
			}
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"recovers at next statement", "group g ( A = )\nsystem s\ngroup h ( B { } )\n",
			"f:1:15: expected a value, found ')'\nf:3:13: unexpected '{' after attribute B (a declaration belongs in a type definition)"},
		{"bad kind in type", "type T (\n\tstring X\n)", "f:2:2: expected an attribute type (str, int, boolean, keylist) or ')', found \"string\""},
		{"requires without group", "requires web online local", "f:1:10: expected \"group\" after requires, found \"web\""},
		{"rigidity is optional, category is not", "requires group g local", "f:1:18: expected one of online, offline, found \"local\""},
		{"empty name", `group "" ( )`, "f:1:7: empty group name"},
		{"eof in block", "group g (\n\tA = 1", "f:2:7: expected an attribute name or ')', found end of file"},
		{"keylist with brackets", "type T (\n\tkeylist K[]\n)", "f:2:2: keylist K cannot also be a vector or association"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := Parse("f", []byte(tc.src))
			if got := errs.Error(); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestParseStatements(t *testing.T) {
	src := `include "types.cf"
type T (
	static int IMF{} = { Mode = 3; MonitorFreq = 1 };
	temp keylist K
	str V[] = { a, "b c", -1 }
	OnlineTimeout = 5
)
group g (
	SystemList = { n1 = 0 }
)
	requires group h offline global hard
	T t1 (
		V = { x }
	)
	t1 requires t2
`
	f, errs := Parse("f", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(f.Stmts) != 6 {
		t.Fatalf("got %d statements, want 6", len(f.Stmts))
	}
	td := f.Stmts[1].(*TypeDef)
	imf := td.Decls[0]
	if !imf.Static || imf.Kind != "int" || imf.Shape != Curly || len(imf.Value.Elems) != 2 ||
		imf.Value.Elems[1].Key.Text != "MonitorFreq" || imf.Value.Pos != (Pos{File: "f", Line: 3, Col: 21}) {
		t.Errorf("IMF declaration parsed as %+v", imf)
	}
	if k := td.Decls[1]; !k.Temp || k.Kind != "keylist" || k.Shape != Plain || k.Value != nil {
		t.Errorf("keylist declaration parsed as %+v", k)
	}
	if v := td.Decls[2].Value; v.Elems[1].Scalar.Text != "b c" || !v.Elems[1].Scalar.Quoted || !v.Elems[2].Scalar.Int {
		t.Errorf("vector default parsed as %+v", v)
	}
	if a := td.Assigns[0]; a.Name != "OnlineTimeout" || a.Value.Scalar.Text != "5" {
		t.Errorf("assignment parsed as %+v", a)
	}
	gr := f.Stmts[3].(*GroupRequires)
	if *gr != (GroupRequires{Pos: Pos{File: "f", Line: 11, Col: 2}, Group: "h", Category: "offline", Location: "global", Rigidity: "hard"}) {
		t.Errorf("group dependency parsed as %+v", gr)
	}
	rq := f.Stmts[5].(*Requires)
	if rq.Parent != "t1" || rq.Child != "t2" || rq.ChildPos.Col != 14 {
		t.Errorf("dependency parsed as %+v", rq)
	}
}

func TestParseDeclShapes(t *testing.T) {
	tests := []struct {
		name      string
		decl      string
		kind      string
		shape     Shape
		hasValue  bool
		wantShape string
	}{
		{"scalar", "str A", "str", Plain, false, ""},
		{"i18nstr", "i18nstr A", "i18nstr", Plain, false, ""},
		{"vector", "int A[] = { 1 }", "int", Square, true, "[]"},
		{"association", "boolean A{}", "boolean", Curly, false, "{}"},
		{"keylist", "static temp keylist A = { x }", "keylist", Plain, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := Parse("f", []byte("type T (\n\t"+tc.decl+"\n)"))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			d := f.Stmts[0].(*TypeDef).Decls[0]
			if d.Kind != tc.kind || d.Shape != tc.shape || (d.Value != nil) != tc.hasValue || d.Name != "A" ||
				d.Shape.String() != tc.wantShape {
				t.Errorf("parsed as %+v", d)
			}
		})
	}
}

func TestScanner(t *testing.T) {
	var errs ErrorList
	s := NewScanner("f", []byte("group g (\n\tA = \"x y\" ) $"), &errs)
	var got []string
	for p, text, ok := s.Scan(); ok; p, text, ok = s.Scan() {
		got = append(got, text+"@"+p.String())
	}
	want := []string{"group@f:1:1", "g@f:1:7", "(@f:1:9", "A@f:2:2", "=@f:2:4", "x y@f:2:6", ")@f:2:12", "@f:2:14"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if errs.Error() != "f:2:14: unexpected character '$'" {
		t.Errorf("errors: %v", errs)
	}
}
