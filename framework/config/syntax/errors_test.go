package syntax

import (
	"errors"
	"testing"
)

func TestErrorListSortDedup(t *testing.T) {
	l := ErrorList{
		{Pos{"b", 1, 1}, "x"}, {Pos{"a", 2, 1}, "y"}, {Pos{"a", 1, 5}, "z"}, {Pos{"a", 1, 5}, "z"}, {Pos{"a", 1, 5}, "a"},
	}
	l.Sort()
	want := "a:1:5: a\na:1:5: z\na:2:1: y\nb:1:1: x"
	if l.Error() != want {
		t.Errorf("got:\n%s\nwant:\n%s", l.Error(), want)
	}
	if (ErrorList{}).Err() != nil {
		t.Error("empty list must be a nil error")
	}
	var list ErrorList
	if err := l.Err(); !errors.As(err, &list) || len(list) != 4 {
		t.Errorf("Err() = %v, want the list as an error", err)
	}
}

func TestPosString(t *testing.T) {
	if got := (Pos{File: "main.cf", Line: 3, Col: 14}).String(); got != "main.cf:3:14" {
		t.Errorf("got %q", got)
	}
}
