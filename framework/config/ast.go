package config

import "github.com/vigil-ha/vigil/framework/model"

// File is one parsed configuration file.
type File struct {
	Path  string
	Stmts []Stmt
}

// Stmt is a top-level statement: *Include, *Block, *TypeDef, *ResourceDef,
// *Requires or *GroupRequires.
type Stmt interface {
	Position() model.Pos
}

// Include is `include "path"`.
type Include struct {
	Pos  model.Pos
	Path string
}

// Block is `cluster|system|group <name> [( assignments )]`.
type Block struct {
	Pos   model.Pos
	Kind  string // cluster, system or group
	Name  string
	Attrs []*Assign
}

// TypeDef is `type <name> ( declarations )`.
type TypeDef struct {
	Pos     model.Pos
	Name    string
	Decls   []*AttrDecl
	Assigns []*Assign // plain `Attr = value` lines: type-level static values
}

// AttrDecl is `[static] [temp] <kind> <name>[[]|{}] [= value]`.
type AttrDecl struct {
	Pos    model.Pos
	Static bool
	Temp   bool
	Kind   model.Kind
	Dim    model.Dimension
	Name   string
	Value  *ValueNode // nil when no default is written
}

// ResourceDef is `<type> <name> [( assignments )]`.
type ResourceDef struct {
	Pos   model.Pos
	Type  string
	Name  string
	Attrs []*Assign
}

// Requires is `<parent> requires <child>`.
type Requires struct {
	Pos      model.Pos
	Parent   string
	Child    string
	ChildPos model.Pos
}

// GroupRequires is `requires group <g> online|offline local|global|remote [soft|firm|hard]`.
type GroupRequires struct {
	Pos      model.Pos
	Group    string
	Category string
	Location string
	Rigidity string
}

// Assign is `<attr> = <value>`.
type Assign struct {
	Pos   model.Pos
	Name  string
	Value *ValueNode
}

// ValueNode is a scalar or a braced list. Elements of a list may carry keys
// (`k = v`), which makes the list an association.
type ValueNode struct {
	Pos    model.Pos
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
	Pos    model.Pos
	Text   string
	Quoted bool
	Int    bool
}

// Position returns the position of the statement's first token.
func (s *Include) Position() model.Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *Block) Position() model.Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *TypeDef) Position() model.Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *ResourceDef) Position() model.Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *Requires) Position() model.Pos { return s.Pos }

// Position returns the position of the statement's first token.
func (s *GroupRequires) Position() model.Pos { return s.Pos }
