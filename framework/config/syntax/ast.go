package syntax

// File is one parsed configuration file.
type File struct {
	Path  string
	Stmts []Stmt
}

// Stmt is a top-level statement: *Include, *Block, *TypeDef, *ResourceDef,
// *Requires or *GroupRequires.
type Stmt interface {
	Position() Pos
}

// Include is `include "path"`.
type Include struct {
	Pos  Pos
	Path string
}

// Block is `cluster|system|group <name> [( assignments )]`.
type Block struct {
	Pos   Pos
	Kind  string // cluster, system or group
	Name  string
	Attrs []*Assign
}

// TypeDef is `type <name> ( declarations )`.
type TypeDef struct {
	Pos     Pos
	Name    string
	Decls   []*AttrDecl
	Assigns []*Assign // plain `Attr = value` lines: type-level static values
}

// AttrDecl is `[static] [temp] <kind> <name>[[]|{}] [= value]`.
type AttrDecl struct {
	Pos    Pos
	Static bool
	Temp   bool
	Kind   string // the type keyword as written: str, i18nstr, int, boolean or keylist
	Shape  Shape  // the brackets after the name
	Name   string
	Value  *ValueNode // nil when no default is written
}

// Shape is what follows the name in an attribute declaration.
type Shape int

// Shapes of a declaration. Keylist is a type keyword, not a shape, and takes
// no brackets.
const (
	Plain  Shape = iota // `str A`: a scalar, or a keylist
	Square              // `str A[]`: a vector
	Curly               // `str A{}`: an association
)

// String returns the brackets as written: "", "[]" or "{}".
func (s Shape) String() string {
	switch s {
	case Square:
		return "[]"
	case Curly:
		return "{}"
	default:
		return ""
	}
}

// ResourceDef is `<type> <name> [( assignments )]`.
type ResourceDef struct {
	Pos   Pos
	Type  string
	Name  string
	Attrs []*Assign
}

// Requires is `<parent> requires <child>`.
type Requires struct {
	Pos      Pos
	Parent   string
	Child    string
	ChildPos Pos
}

// GroupRequires is `requires group <g> online|offline local|global|remote [soft|firm|hard]`.
type GroupRequires struct {
	Pos      Pos
	Group    string
	Category string
	Location string
	Rigidity string
}

// Assign is `<attr> = <value>`, or `<attr>@<system> = <value>` for a value
// that applies on one system only (System is then that system's name).
type Assign struct {
	Pos    Pos
	Name   string
	System string
	SysPos Pos
	Value  *ValueNode
}

// ValueNode is a scalar or a braced list. Elements of a list may carry keys
// (`k = v`), which makes the list an association.
type ValueNode struct {
	Pos    Pos
	List   bool
	Scalar Scalar // when !List
	Elems  []Elem // when List
}

// Elem is one element of a braced list.
type Elem struct {
	Key    *Scalar // nil for vector and keylist elements
	Scalar Scalar
}

// Scalar is a word, string or integer token.
type Scalar struct {
	Pos    Pos
	Text   string
	Quoted bool
	Int    bool
}

// Position returns the position of the statement's first token.
func (s *Include) Position() Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *Block) Position() Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *TypeDef) Position() Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *ResourceDef) Position() Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *Requires) Position() Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *GroupRequires) Position() Pos { return s.Pos }
