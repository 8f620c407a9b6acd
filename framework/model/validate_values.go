package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-ha/vigil/framework/config/syntax"
)

// value checks a value against its definition: dimension, element type
// (int: 32-bit signed, boolean: 0 or 1) and unique keys. It reports whether
// the value is well formed, so range checks may follow.
func (v *validator) value(val Value, d *AttrDef, p syntax.Pos, what string) bool {
	if val.Dim != d.Dim {
		v.errorf(p, "%s takes %s value, not %s", what, article(d.Dim), article(val.Dim))
		return false
	}
	ok := true
	check := func(s string) {
		if msg := StringError(s); msg != "" {
			v.errorf(p, "%s: value %s", what, msg)
			ok = false
			return
		}
		if msg := kindError(s, d.Kind); msg != "" {
			v.errorf(p, "%s: %s", what, msg)
			ok = false
		}
	}
	switch val.Dim {
	case Scalar:
		check(val.Scalar)
	case Vector:
		for _, s := range val.List {
			check(s)
		}
	case Keylist:
		seen := map[string]bool{}
		for _, s := range val.List {
			check(s)
			if seen[s] {
				v.errorf(p, "%s: key %q listed twice", what, s)
				ok = false
			}
			seen[s] = true
		}
	case Assoc:
		seen := map[string]bool{}
		for _, kv := range val.Assoc {
			if msg := StringError(kv.Key); msg != "" {
				v.errorf(p, "%s: key %s", what, msg)
				ok = false
			}
			check(kv.Value)
			if seen[kv.Key] {
				v.errorf(p, "%s: key %q given twice", what, kv.Key)
				ok = false
			}
			seen[kv.Key] = true
		}
	}
	return ok
}

// kindError returns why s is not a value of kind k, or "".
func kindError(s string, k Kind) string {
	switch k {
	case Int:
		if _, err := strconv.ParseInt(s, 10, 32); err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return fmt.Sprintf("%s is out of the 32-bit integer range", s)
			}
			return fmt.Sprintf("%q is not an integer", s)
		}
	case Boolean:
		if s != "0" && s != "1" {
			return fmt.Sprintf("%q is not a boolean (0 or 1)", s)
		}
	}
	return ""
}

// assocRanges gives, for the int associations with fixed keys, each key's
// allowed range.
var assocRanges = map[string]map[string][2]int{
	"IMF": {"Mode": {0, 3}, "MonitorFreq": {0, maxInt32}, "RegisterRetryLimit": {0, maxInt32}},
	"MonitorStatsParam": {"Frequency": {0, 30}, "ExpectedValue": {0, maxInt32},
		"ValueThreshold": {0, maxInt32}, "AvgThreshold": {0, maxInt32}},
}

const maxInt32 = 1<<31 - 1

// scalarRanges gives the allowed range of int static attributes.
var scalarRanges = map[string][2]int{"NumThreads": {1, 30}}

// enums gives the allowed values of some str attributes.
var enums = map[string][]string{
	"Operations":   {"OnOff", "OnOnly", "None"},
	"ManageFaults": {"ALL", "NONE"},
}

// static checks the value ranges of well-formed static (and a few
// resource-level) attributes.
func (v *validator) static(name string, val Value, p syntax.Pos, what string) {
	if keys, ok := assocRanges[name]; ok {
		for _, kv := range val.Assoc {
			r, known := keys[kv.Key]
			if !known {
				v.errorf(p, "%s: unknown key %s (keys are %s)", what, kv.Key, strings.Join(sortedKeys(keys), ", "))
				continue
			}
			if n, _ := strconv.Atoi(kv.Value); n < r[0] || n > r[1] {
				v.errorf(p, "%s: %s = %d is out of range %s", what, kv.Key, n, rangeText(r))
			}
		}
		return
	}
	if vals, ok := enums[name]; ok && val.Dim == Scalar {
		for _, e := range vals {
			if val.Scalar == e {
				return
			}
		}
		v.errorf(p, "%s must be one of %s, not %q", what, strings.Join(vals, ", "), val.Scalar)
		return
	}
	d, ok := Catalogue[name]
	if !ok || d.Kind != Int || val.Dim != Scalar {
		return
	}
	r, ok := scalarRanges[name]
	if !ok {
		if name == "AgentPriority" {
			return
		}
		r = [2]int{0, maxInt32}
	}
	if n, _ := strconv.Atoi(val.Scalar); n < r[0] || n > r[1] {
		v.errorf(p, "%s: %d is out of range %s", what, n, rangeText(r))
	}
}

func rangeText(r [2]int) string {
	if r[1] == maxInt32 {
		return fmt.Sprintf("(must be >= %d)", r[0])
	}
	return fmt.Sprintf("%d..%d", r[0], r[1])
}

// article names a dimension with its indefinite article.
func article(d Dimension) string {
	if d == Assoc {
		return "an association"
	}
	return "a " + d.String()
}
