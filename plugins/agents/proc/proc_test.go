package proc

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       Stat
		err        bool
	}{
		{"plain", "123 (sleep) S 1 123 123 0 -1", Stat{State: 'S', PGID: 123}, false},
		{"name with blanks and parens", "77 (a (b) c) Z 1 70 70 0", Stat{State: 'Z', PGID: 70}, false},
		{"dead", "9 (x) X 1 9 9", Stat{State: 'X', PGID: 9}, false},
		{"no name", "123 sleep S 1 2", Stat{}, true},
		{"short", "123 (x) S", Stat{}, true},
		{"bad pgrp", "123 (x) S 1 y", Stat{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStat(strings.NewReader(tc.line))
			if tc.err {
				if !errors.Is(err, ErrBadStat) {
					t.Fatalf("error %v, want ErrBadStat", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseStat = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParseUID(t *testing.T) {
	uid, err := ParseUID(strings.NewReader("Name:\tx\nUid:\t1000\t1001\t1000\t1000\nGid:\t5\n"))
	if err != nil || uid != 1001 {
		t.Fatalf("ParseUID = %d, %v; want the effective uid 1001", uid, err)
	}
	if _, err := ParseUID(strings.NewReader("Name:\tx\n")); err == nil {
		t.Fatal("ParseUID without a Uid line: no error")
	}
}

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	if !Alive(pid) {
		t.Fatal("this process is not alive")
	}
	argv, err := Cmdline(pid)
	if err != nil || len(argv) == 0 || !ExactArgv(argv)(argv) {
		t.Fatalf("Cmdline(self) = %q, %v", argv, err)
	}
	found, err := Find(ExactArgv(argv), os.Geteuid())
	if err != nil || !contains(found, pid) {
		t.Fatalf("Find(own argv) = %v, %v; want it to hold %d", found, err, pid)
	}
	if Alive(0) || Alive(-1) {
		t.Fatal("pid 0 or -1 counted alive")
	}
}

func contains(l []int, x int) bool {
	for _, v := range l {
		if v == x {
			return true
		}
	}
	return false
}
