package scripts_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/vigil-ha/vigil/framework/secret"
	"github.com/vigil-ha/vigil/scripts"
)

// TestHADECRYPTDecodesTokens: a secret turned into a token by `vigil
// encrypt` comes back whole through the calls real agents make, the
// unquoted `$HADECRYPT $value` in backticks of Perl and of the shell, and
// through VCSAG_DECRYPT; nothing in it is run.
func TestHADECRYPTDecodesTokens(t *testing.T) {
	home := t.TempDir()
	if err := scripts.Materialise(home); err != nil {
		t.Fatal(err)
	}
	env := []string{"VCS_HOME=" + home, "PATH=/usr/bin:/bin", "PERL5LIB=" + home + "/bin"}
	secrets := []string{"s3cret pass", "pa$$word", "x;echo INJECTED", "`id` $(id) *", "tab\tand  two"}
	callers := map[string][]string{
		"perl backticks":     {"perl", "-e", `use ag_i18n_inc; my $p = ` + "`$ag_i18n_inc::HADECRYPT $ARGV[0]`" + `; chomp $p; print $p;`},
		"perl VCSAG_DECRYPT": {"perl", "-e", `use ag_i18n_inc; print VCSAG_DECRYPT($ARGV[0]);`},
		"sh backticks":       {"sh", "-c", `. "$VCS_HOME/bin/ag_i18n_inc.sh"; p=` + "`$HADECRYPT $1`" + `; printf %s "$p"`, "sh"},
		"sh VCSAG_DECRYPT":   {"sh", "-c", `. "$VCS_HOME/bin/ag_i18n_inc.sh"; printf %s "$(VCSAG_DECRYPT "$1")"`, "sh"},
	}
	for name, argv := range callers {
		if _, err := exec.LookPath(argv[0]); err != nil {
			t.Logf("skipping %s: %s not installed", name, argv[0])
			continue
		}
		for _, s := range secrets {
			t.Run(name+"/"+s, func(t *testing.T) {
				c := exec.Command(argv[0], append(argv[1:], secret.Encode(s))...)
				c.Env = env
				out, err := c.CombinedOutput()
				if err != nil {
					t.Fatalf("%v: %s", err, out)
				}
				if string(out) != s {
					t.Errorf("decoded %q, want %q", out, s)
				}
				if strings.Contains(string(out), "INJECTED\n") {
					t.Errorf("the secret ran as a command")
				}
			})
		}
	}
	// A clear-text value is handed back as the shell split it, as before.
	c := exec.Command("sh", "-c", `. "$VCS_HOME/bin/ag_i18n_inc.sh"; $HADECRYPT plain`)
	c.Env = env
	if out, err := c.Output(); err != nil || string(out) != "plain\n" {
		t.Errorf("clear text: %q, %v", out, err)
	}
}
