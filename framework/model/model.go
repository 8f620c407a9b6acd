package model

import (
	"sort"
	"strconv"
)

// Kind is the value type of an attribute.
type Kind int

// Value types of attributes.
const (
	Str Kind = iota
	Int
	Boolean
)

// String returns the keyword used in types.cf.
func (k Kind) String() string {
	switch k {
	case Int:
		return "int"
	case Boolean:
		return "boolean"
	default:
		return "str"
	}
}

// Dimension is the shape of an attribute.
type Dimension int

// Dimensions of attributes.
const (
	Scalar Dimension = iota
	Vector
	Keylist
	Assoc
)

// String names the dimension as VCS documentation does.
func (d Dimension) String() string {
	switch d {
	case Vector:
		return "vector"
	case Keylist:
		return "keylist"
	case Assoc:
		return "association"
	default:
		return "scalar"
	}
}

// KV is one key/value pair of an association, kept in configuration order.
type KV struct {
	Key   string
	Value string
}

// Value is an attribute value of any dimension. Integers and booleans are
// kept as their decimal text, exactly as they reach entry points.
type Value struct {
	Dim    Dimension
	Scalar string   // Scalar
	List   []string // Vector, Keylist
	Assoc  []KV     // Assoc, in order
}

// ScalarValue returns a scalar Value.
func ScalarValue(s string) Value { return Value{Dim: Scalar, Scalar: s} }

// IntValue returns a scalar Value holding n.
func IntValue(n int) Value { return Value{Dim: Scalar, Scalar: strconv.Itoa(n)} }

// ListValue returns a vector (or keylist, by dim) Value.
func ListValue(dim Dimension, items ...string) Value { return Value{Dim: dim, List: items} }

// AssocValue returns an association Value.
func AssocValue(kvs ...KV) Value { return Value{Dim: Assoc, Assoc: kvs} }

// Elements returns the value as the flat list that entry points receive:
// one element for a scalar, the items of a vector or keylist, and key, value,
// key, value ... for an association.
func (v Value) Elements() []string {
	switch v.Dim {
	case Scalar:
		return []string{v.Scalar}
	case Vector, Keylist:
		return append([]string(nil), v.List...)
	default:
		out := make([]string, 0, 2*len(v.Assoc))
		for _, kv := range v.Assoc {
			out = append(out, kv.Key, kv.Value)
		}
		return out
	}
}

// Get returns the value of key in an association.
func (v Value) Get(key string) (string, bool) {
	for _, kv := range v.Assoc {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Equal reports whether two values are the same. Keylists and associations
// compare without regard to order, as VCS treats them as unordered.
func (v Value) Equal(o Value) bool {
	if v.Dim != o.Dim {
		return false
	}
	switch v.Dim {
	case Scalar:
		return v.Scalar == o.Scalar
	case Vector:
		return equalStrings(v.List, o.List)
	case Keylist:
		a, b := append([]string(nil), v.List...), append([]string(nil), o.List...)
		sort.Strings(a)
		sort.Strings(b)
		return equalStrings(a, b)
	default:
		if len(v.Assoc) != len(o.Assoc) {
			return false
		}
		for _, kv := range v.Assoc {
			if w, ok := o.Get(kv.Key); !ok || w != kv.Value {
				return false
			}
		}
		return true
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Zero returns the empty value of a dimension.
func Zero(d Dimension) Value { return Value{Dim: d} }
