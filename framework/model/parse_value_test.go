package model

import (
	"errors"
	"testing"
)

func TestParseValue(t *testing.T) {
	port := &AttrDef{Name: "Port", Kind: Int, Dim: Scalar}
	flag := &AttrDef{Name: "Flag", Kind: Boolean, Dim: Scalar}
	names := &AttrDef{Name: "Names", Kind: Str, Dim: Vector}
	keys := &AttrDef{Name: "Keys", Kind: Str, Dim: Keylist}
	limits := &AttrDef{Name: "Limits", Kind: Int, Dim: Assoc}
	tests := []struct {
		name    string
		def     *AttrDef
		words   []string
		want    Value
		wantMsg string // "" for success
	}{
		{"int", port, []string{"8080"}, ScalarValue("8080"), ""},
		{"bad int", port, []string{"x"}, Value{}, `attribute Port of type Web expects int, got "x"`},
		{"scalar with two words", port, []string{"1", "2"}, Value{},
			"attribute Port of type Web is a scalar and takes one value, got 2"},
		{"scalar with no word", port, nil, Value{},
			"attribute Port of type Web is a scalar and takes one value, got 0"},
		{"boolean", flag, []string{"1"}, ScalarValue("1"), ""},
		{"bad boolean", flag, []string{"yes"}, Value{},
			`attribute Flag of type Web expects boolean (0 or 1), got "yes"`},
		{"vector", names, []string{"a", "b", "a"}, ListValue(Vector, "a", "b", "a"), ""},
		{"empty vector", names, nil, ListValue(Vector), ""},
		{"keylist", keys, []string{"a", "b"}, ListValue(Keylist, "a", "b"), ""},
		{"keylist duplicate", keys, []string{"a", "a"}, Value{},
			`attribute Keys of type Web is a keylist; "a" appears twice`},
		{"association", limits, []string{"cpu", "2", "mem", "3"},
			AssocValue(KV{Key: "cpu", Value: "2"}, KV{Key: "mem", Value: "3"}), ""},
		{"association odd words", limits, []string{"cpu"}, Value{},
			"attribute Limits of type Web is an association and takes key value pairs, got 1 word(s)"},
		{"association duplicate key", limits, []string{"cpu", "1", "cpu", "2"}, Value{},
			`attribute Limits of type Web: key "cpu" appears twice`},
		{"association bad int", limits, []string{"cpu", "x"}, Value{},
			`attribute Limits of type Web expects int, got "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseValue("Web", tc.def, tc.words)
			if tc.wantMsg != "" {
				if err == nil || err.Error() != tc.wantMsg {
					t.Fatalf("err = %v, want %q", err, tc.wantMsg)
				}
				if !errors.Is(err, ErrBadValue) {
					t.Fatalf("err = %v does not wrap ErrBadValue", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got.Dim != tc.want.Dim || !got.Equal(tc.want) {
				t.Fatalf("value = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestParseValueCopiesWords: the value does not share the caller's slice.
func TestParseValueCopiesWords(t *testing.T) {
	words := []string{"a", "b"}
	v, err := ParseValue("Web", &AttrDef{Name: "Names", Dim: Vector}, words)
	if err != nil {
		t.Fatal(err)
	}
	words[0] = "z"
	if v.List[0] != "a" {
		t.Fatalf("value shares the words: %v", v.List)
	}
}
