package engine

import (
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/model"
)

func TestEditValues(t *testing.T) {
	kv := []model.KV{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}
	tests := []struct {
		name  string
		dim   model.Dimension
		op    string
		words []string
		want  string // joined result, or "error: <part of the message>"
	}{
		{"keylist add", model.Keylist, "add", []string{"z"}, "x y z"},
		{"keylist add duplicate", model.Keylist, "add", []string{"x"}, `error: key "x" is already there`},
		{"keylist delete", model.Keylist, "delete", []string{"x"}, "y"},
		{"keylist delete missing", model.Keylist, "delete", []string{"q"}, `error: "q" is not there`},
		{"keylist delete all", model.Keylist, "delete", nil, ""},
		{"keylist update", model.Keylist, "update", []string{"0", "q"}, "error: index value pairs of a vector"},
		{"vector add", model.Vector, "add", []string{"x"}, "x y x"},
		{"vector update", model.Vector, "update", []string{"1", "w"}, "x w"},
		{"vector update out of range", model.Vector, "update", []string{"2", "w"}, "error: not one of 0..1"},
		{"assoc add", model.Assoc, "add", []string{"c", "3"}, "a 1 b 2 c 3"},
		{"assoc add present", model.Assoc, "add", []string{"a", "3"}, "error: use -update"},
		{"assoc update", model.Assoc, "update", []string{"a", "9"}, "a 9 b 2"},
		{"assoc update missing", model.Assoc, "update", []string{"c", "9"}, "error: use -add"},
		{"assoc odd words", model.Assoc, "add", []string{"c"}, "error: key value pairs"},
		{"assoc delete", model.Assoc, "delete", []string{"a"}, "b 2"},
		{"assoc delete all", model.Assoc, "delete", nil, ""},
		{"unknown op", model.Assoc, "set", nil, "error: unknown operation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out []string
			var err error
			if tc.dim == model.Assoc {
				out, err = editAssoc(append([]model.KV(nil), kv...), tc.op, tc.words)
			} else {
				out, err = editList(tc.dim, []string{"x", "y"}, tc.op, tc.words)
			}
			got := strings.Join(out, " ")
			if err != nil {
				got = "error: " + err.Error()
			}
			if want, isErr := strings.CutPrefix(tc.want, "error: "); isErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("got %q, want an error with %q", got, want)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
