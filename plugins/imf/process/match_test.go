package process

import (
	"testing"
)

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
