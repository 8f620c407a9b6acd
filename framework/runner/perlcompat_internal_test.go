package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// TestPerlOptions: the options of a #! line or eval/exec line that are kept
// when the system Perl runs the file itself.
func TestPerlOptions(t *testing.T) {
	tests := []struct {
		name, opts string
		want       []string
	}{
		{"pwd lib and -S", "-I `pwd`/../../lib -S", []string{"-I/agents/T/../../lib"}},
		{"bundled -Sw", "-Sw", []string{"-w"}},
		{"attached -I", "-I/x/lib -w", []string{"-I/x/lib", "-w"}},
		{"lone -S", "-S", nil},
		{"none", "", nil},
		{"non-option words", "foo -T", []string{"-T"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := perlOptions(tt.opts, "/agents/T"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("perlOptions(%q) = %q, want %q", tt.opts, got, tt.want)
			}
		})
	}
}

// TestPerlCommand: which files the system Perl runs in place of the VCS Perl.
func TestPerlCommand(t *testing.T) {
	if _, err := os.Stat(VCSPerl); err == nil {
		t.Skipf("%s exists on this host: it runs such files itself", VCSPerl)
	}
	perl, err := exec.LookPath("perl")
	if err != nil {
		t.Skipf("perl not installed: %v", err)
	}
	env := []string{"PATH=" + filepath.Dir(perl)}
	tests := []struct {
		name, text string
		shebang    bool
		ok         bool
		pre        []string
	}{
		{"eval idiom after comments", "\n# header\n#\neval 'exec /opt/VRTSperl/bin/perl -I `pwd`/lib -S $0 ${1+\"$@\"}'\n\tif 0;\n", false, true, []string{"-I/d/lib"}},
		{"eval idiom naming another perl", "eval 'exec /usr/local/bin/perl -S $0 ${1+\"$@\"}'\n", false, false, nil},
		{"eval idiom after code", "x=1\neval 'exec /opt/VRTSperl/bin/perl -S $0 ${1+\"$@\"}'\n", false, false, nil},
		{"plain shell without #!", "echo hi\nexit 3\n", false, false, nil},
		{"#! VCS perl with -w", "#!/opt/VRTSperl/bin/perl -w\nexit 0;\n", true, true, []string{"-w"}},
		{"#! other missing interpreter", "#!/no/such/perl\n", true, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "ep")
			if err := os.WriteFile(p, []byte(tt.text), 0o755); err != nil {
				t.Fatal(err)
			}
			prog, pre, ok := perlCommand(p, tt.shebang, "/d", env)
			if ok != tt.ok || (ok && (prog != filepath.Join(filepath.Dir(perl), "perl") || !reflect.DeepEqual(pre, tt.pre))) {
				t.Errorf("perlCommand = %q %q %v, want perl %q %v", prog, pre, ok, tt.pre, tt.ok)
			}
		})
	}
}
