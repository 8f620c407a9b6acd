package process

import (
	"errors"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	tail := " 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 4242 1000 100"
	for _, c := range []struct {
		name, in string
		want     Stat
		err      bool
	}{
		{name: "plain", in: "123 (sleep) S 1" + tail, want: Stat{State: 'S', PPID: 1, StartTicks: 4242}},
		{name: "command with spaces and parens", in: "9 (a (b) c) Z 77" + tail, want: Stat{State: 'Z', PPID: 77, StartTicks: 4242}},
		{name: "no paren", in: "9 sleep S 1", err: true},
		{name: "short", in: "9 (x) S 1 2", err: true},
		{name: "bad ppid", in: "9 (x) S x" + tail, err: true},
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
	if !(Stat{State: 'X'}).Dead() || (Stat{State: 'S'}).Dead() {
		t.Error("Dead: X dead, S alive")
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
	if uid, err := ParseStatusUID(strings.NewReader("Name:\tx\nUid:\t1000\t1000\t1000\t1000\n")); uid != 1000 || err != nil {
		t.Errorf("uid %d %v", uid, err)
	}
	if _, err := ParseStatusUID(strings.NewReader("Name:\tx\n")); !errors.Is(err, ErrParse) {
		t.Errorf("no Uid: %v", err)
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

func TestPatternMatch(t *testing.T) {
	pr := Proc{Exe: "/opt/acme/bin/acmed", Argv: []string{"/opt/acme/bin/acmed", "-c", "/etc/acme.conf"}, UID: 0}
	for _, c := range []struct {
		pattern, opts string
		want          bool
	}{
		{"/opt/acme/bin/acmed -c /etc/acme.conf", "", true},
		{"/opt/acme/bin/acmed   -c /etc/acme.conf ", "", true},
		{"/opt/acme/bin/acmed -c /etc/other.conf", "", false},
		{"/opt/acme/bin/acmed", IgnoreArgs, true},
		{"/usr/bin/acmed", IgnoreArgs, false},
		{"acmed -c /etc/acme.conf", IgnorePath, true},
		{"acmed -c /etc/other.conf", IgnorePath, false},
	} {
		p, err := NewPattern(c.pattern, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match(pr); got != c.want {
			t.Errorf("%q %s: got %v", c.pattern, c.opts, got)
		}
	}
	if _, err := NewPattern(" ", ""); err == nil {
		t.Error("empty pattern accepted")
	}
}

func TestStartMatch(t *testing.T) {
	args := func(s string) *string { return &s }
	pr := Proc{Exe: "/bin/dash", Argv: []string{"/bin/sh", "/opt/app/run", "-x", "1"}, UID: 1000}
	for _, c := range []struct {
		name string
		s    Start
		want bool
	}{
		{"script through its interpreter", Start{Path: "/opt/app/run", Args: args("-x 1"), UID: -1}, true},
		{"other args", Start{Path: "/opt/app/run", Args: args("-x 2"), UID: -1}, false},
		{"args not compared", Start{Path: "/opt/app/run", UID: -1}, true},
		{"owner", Start{Path: "/opt/app/run", UID: 1000}, true},
		{"other owner", Start{Path: "/opt/app/run", UID: 0}, false},
		{"exe", Start{Path: "/bin/dash", UID: -1}, true},
		{"arg0 base name", Start{Arg0: "sh", UID: -1}, true},
		{"wrong path", Start{Path: "/opt/other", UID: -1}, false},
	} {
		if got := c.s.Match(pr); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
}
