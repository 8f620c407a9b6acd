package procfs

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	tail := " 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 4242 1000 100"
	for _, c := range []struct {
		name, in string
		want     Stat
		err      bool
	}{
		{name: "plain", in: "123 (sleep) S 1 123 120" + tail,
			want: Stat{PID: 123, State: 'S', PPID: 1, PGID: 123, SID: 120, StartTicks: 4242}},
		{name: "command with blanks and parens", in: "9 (a (b) c) Z 77 70 60" + tail,
			want: Stat{PID: 9, State: 'Z', PPID: 77, PGID: 70, SID: 60, StartTicks: 4242}},
		{name: "a ')' and '(' in the name", in: "7 (a) b (c) Z 3 4 5" + tail,
			want: Stat{PID: 7, State: 'Z', PPID: 3, PGID: 4, SID: 5, StartTicks: 4242}},
		{name: "no command name", in: "9 sleep S 1", err: true},
		{name: "short", in: "9 (x) S 1 2", err: true},
		{name: "bad pid", in: "x (x) S 1 9 9" + tail, err: true},
		{name: "bad ppid", in: "9 (x) S x 9 9" + tail, err: true},
		{name: "bad pgrp", in: "9 (x) S 1 y 9" + tail, err: true},
		{name: "bad session", in: "9 (x) S 1 9 z" + tail, err: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseStat(strings.NewReader(c.in))
			if c.err {
				if !errors.Is(err, ErrParse) {
					t.Fatalf("err = %v, want ErrParse", err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
	for _, st := range []byte{'X', 'Z', 'x'} {
		if !(Stat{State: st}).Dead() {
			t.Errorf("state %c not dead", st)
		}
	}
	if (Stat{State: 'S'}).Dead() {
		t.Error("state S dead")
	}
}

func TestParseSmallFiles(t *testing.T) {
	argv, err := ParseCmdline(strings.NewReader("/bin/sh\x00-c\x00echo a  b\x00"))
	if err != nil || len(argv) != 3 || argv[2] != "echo a  b" {
		t.Errorf("cmdline: %q %v", argv, err)
	}
	if argv, _ := ParseCmdline(strings.NewReader("")); argv != nil {
		t.Errorf("empty cmdline: %q", argv)
	}
	ids, err := ParseStatusUIDs(strings.NewReader("Name:\tx\nUid:\t1000\t1001\t1000\t1000\nGid:\t5\n"))
	if err != nil || ids != (UIDs{Real: 1000, Effective: 1001}) {
		t.Errorf("uids %+v %v", ids, err)
	}
	for _, in := range []string{"Name:\tx\n", "Uid:\t1000\n", "Uid:\tx\ty\n"} {
		if _, err := ParseStatusUIDs(strings.NewReader(in)); !errors.Is(err, ErrParse) {
			t.Errorf("status %q: %v, want ErrParse", in, err)
		}
	}
	if bt, err := ParseBootTime(strings.NewReader("cpu 1 2\nbtime 1700000000\n")); bt != 1700000000 || err != nil {
		t.Errorf("btime %d %v", bt, err)
	}
	for in, want := range map[string]int{"42\n": 42, " 7 extra": 7, "": -1, "abc": -1, "-3": -1} {
		pid, err := ParsePidFile(strings.NewReader(in))
		if (want < 0) != (err != nil) || (want > 0 && pid != want) {
			t.Errorf("pid file %q: %d %v", in, pid, err)
		}
	}
}

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	if !Alive(pid) {
		t.Fatal("this process is not alive")
	}
	st, err := ReadStat(pid)
	if err != nil || st.PID != pid || st.PPID != os.Getppid() {
		t.Fatalf("ReadStat(self) = %+v, %v; want ppid %d", st, err, os.Getppid())
	}
	if argv, err := Cmdline(pid); err != nil || len(argv) == 0 || argv[0] != os.Args[0] {
		t.Fatalf("Cmdline(self) = %q, %v", argv, err)
	}
	if ids, err := ReadUIDs(pid); err != nil || ids.Effective != os.Geteuid() || ids.Real != os.Getuid() {
		t.Fatalf("ReadUIDs(self) = %+v, %v", ids, err)
	}
	if StartTime(st).IsZero() {
		t.Fatal("no start time")
	}
	pids, err := Pids()
	found := false
	for _, p := range pids {
		found = found || p == pid
	}
	if err != nil || !found {
		t.Fatalf("Pids() lacks %d (%v)", pid, err)
	}
	found = false
	for _, s := range All() { // the state (R, S) may differ from one read to the next
		found = found || (s.PID == st.PID && s.PPID == st.PPID && s.StartTicks == st.StartTicks)
	}
	if !found {
		t.Fatalf("All() lacks %+v", st)
	}
	if Alive(0) || Alive(-1) {
		t.Fatal("pid 0 or -1 counted alive")
	}
}
