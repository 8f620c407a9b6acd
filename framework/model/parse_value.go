package model

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrBadValue is wrapped by every error of ParseValue: the words do not make
// a value of the attribute definition (wrong type, count or duplicate).
var ErrBadValue = errors.New("bad attribute value")

// valueError is an error of ParseValue. Its text is the precise message
// alone, without the text of ErrBadValue, so that callers can show it as is;
// errors.Is(err, ErrBadValue) holds.
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

func (e *valueError) Unwrap() error { return ErrBadValue }

func badValue(format string, args ...any) error {
	return &valueError{msg: fmt.Sprintf(format, args...)}
}

// ParseValue turns command-line words into a value of an attribute
// definition of type typeName: one word for a scalar, any number for a
// vector or keylist, and key value pairs for an association. Integers and
// booleans are checked, and so are duplicate keylist items and association
// keys. Every error wraps ErrBadValue.
func ParseValue(typeName string, d *AttrDef, words []string) (Value, error) {
	check := func(w string) error {
		switch d.Kind {
		case Int:
			if _, err := strconv.Atoi(w); err != nil {
				return badValue("attribute %s of type %s expects int, got %q", d.Name, typeName, w)
			}
		case Boolean:
			if w != "0" && w != "1" {
				return badValue("attribute %s of type %s expects boolean (0 or 1), got %q", d.Name, typeName, w)
			}
		}
		return nil
	}
	switch d.Dim {
	case Scalar:
		if len(words) != 1 {
			return Value{}, badValue("attribute %s of type %s is a scalar and takes one value, got %d",
				d.Name, typeName, len(words))
		}
		if err := check(words[0]); err != nil {
			return Value{}, err
		}
		return ScalarValue(words[0]), nil
	case Vector, Keylist:
		seen := map[string]bool{}
		for _, w := range words {
			if err := check(w); err != nil {
				return Value{}, err
			}
			if d.Dim == Keylist && seen[w] {
				return Value{}, badValue("attribute %s of type %s is a keylist; %q appears twice",
					d.Name, typeName, w)
			}
			seen[w] = true
		}
		return ListValue(d.Dim, append([]string{}, words...)...), nil
	default:
		if len(words)%2 != 0 {
			return Value{}, badValue("attribute %s of type %s is an association and takes key value pairs, got %d word(s)",
				d.Name, typeName, len(words))
		}
		var kvs []KV
		seen := map[string]bool{}
		for i := 0; i < len(words); i += 2 {
			if seen[words[i]] {
				return Value{}, badValue("attribute %s of type %s: key %q appears twice",
					d.Name, typeName, words[i])
			}
			seen[words[i]] = true
			if err := check(words[i+1]); err != nil {
				return Value{}, err
			}
			kvs = append(kvs, KV{Key: words[i], Value: words[i+1]})
		}
		return AssocValue(kvs...), nil
	}
}
