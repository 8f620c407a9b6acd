package sdk

import (
	"strconv"
)

// Kind is an attribute's value type.
type Kind int

// Attribute value types, as types.cf declares them.
const (
	Str Kind = iota
	Int
	Boolean
)

// Dim is an attribute's shape.
type Dim int

// Attribute shapes.
const (
	Scalar Dim = iota
	Vector
	Keylist
	Assoc
)

// KV is one key/value pair of an association.
type KV struct {
	Key   string
	Value string
}

// Attr is one ArgList entry's value. Name is the ArgList entry as written:
// an attribute name, or `Ref:Attr` for a value taken from the resource
// that the attribute Ref names (its value is empty when Ref names none).
type Attr struct {
	Name   string
	Kind   Kind
	Dim    Dim
	Scalar string   // Scalar
	List   []string // Vector, Keylist
	Assoc  []KV     // Assoc, in configuration order
}

// Elements returns the value as a script receives it after the tuple's
// count: the scalar, the list, or keys and values alternating.
func (a Attr) Elements() []string {
	switch a.Dim {
	case Scalar:
		return []string{a.Scalar}
	case Assoc:
		out := make([]string, 0, 2*len(a.Assoc))
		for _, kv := range a.Assoc {
			out = append(out, kv.Key, kv.Value)
		}
		return out
	}
	return a.List
}

// Attrs are a resource's ArgList attributes, in ArgList order.
type Attrs []Attr

// Get returns the attribute named name.
func (as Attrs) Get(name string) (Attr, bool) {
	for _, a := range as {
		if a.Name == name {
			return a, true
		}
	}
	return Attr{}, false
}

// Str returns a scalar attribute's text, or "".
func (as Attrs) Str(name string) string {
	a, _ := as.Get(name)
	return a.Scalar
}

// Int returns a scalar attribute as an integer, or 0.
func (as Attrs) Int(name string) int {
	a, _ := as.Get(name)
	n, _ := strconv.Atoi(a.Scalar)
	return n
}

// Bool returns a scalar boolean attribute (1 is true).
func (as Attrs) Bool(name string) bool { return as.Int(name) != 0 }

// List returns a vector or keylist attribute's elements.
func (as Attrs) List(name string) []string {
	a, _ := as.Get(name)
	return a.List
}

// Assoc returns an association attribute's pairs.
func (as Attrs) Assoc(name string) []KV {
	a, _ := as.Get(name)
	return a.Assoc
}
