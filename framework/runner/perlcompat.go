package runner

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// VCSPerl is the Perl interpreter VCS ships and its Perl entry points name,
// either on their #! line or in the `eval 'exec .../perl ...' if 0;` idiom
// that a file without a #! line uses to re-execute itself under Perl.
const VCSPerl = "/opt/VRTSperl/bin/perl"

// perlHeadBytes bounds how much of a file is read to find the idiom (long
// comment headers come before it).
const perlHeadBytes = 16 << 10

// evalExecRE matches the first code line of the idiom:
//
//	eval 'exec /opt/VRTSperl/bin/perl -I `pwd`/../../lib -S $0 ${1+"$@"}'
var evalExecRE = regexp.MustCompile(`^\s*eval\s+'exec\s+(\S*perl)\s+([^']*?)\$0`)

// perlCommand decides whether path, which names VCSPerl where this host has
// none, is run by the system Perl instead. It returns the interpreter and
// the arguments that precede path, or ok false when path is not such a file
// (it is then run as it stands: by the kernel, or /bin/sh without #!).
// hasShebang says whether the kernel saw a #! line. dir replaces `pwd` in
// the idiom's options (the working directory of the run); env supplies PATH.
func perlCommand(path string, hasShebang bool, dir string, env []string) (prog string, pre []string, ok bool) {
	if _, err := os.Stat(VCSPerl); err == nil {
		return "", nil, false // the real one is installed: nothing to stand in for
	}
	named, opts := perlHeader(path, hasShebang)
	if named != VCSPerl {
		return "", nil, false
	}
	perl := lookPath("perl", env)
	if perl == "" {
		return "", nil, false
	}
	return perl, perlOptions(opts, dir), true
}

// perlHeader returns the interpreter a file names and the options given to
// it: from its #! line when hasShebang, else from the eval/exec idiom, which
// must be the first line that is neither blank nor a comment.
func perlHeader(path string, hasShebang bool) (string, string) {
	f, err := os.Open(path)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, perlHeadBytes))
	for sc.Scan() {
		line := sc.Text()
		if hasShebang {
			fields := strings.Fields(strings.TrimPrefix(line, "#!"))
			if !strings.HasPrefix(line, "#!") || len(fields) == 0 {
				return "", ""
			}
			return fields[0], strings.Join(fields[1:], " ")
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if m := evalExecRE.FindStringSubmatch(line); m != nil {
			return m[1], m[2]
		}
		return "", ""
	}
	return "", ""
}

// perlOptions keeps the options the file gives Perl that still mean
// something when Perl runs the file directly: -I directories (with `pwd`
// replaced by dir) and switches such as -w; -S (search PATH for the script)
// is dropped, the script being named by its full path.
func perlOptions(opts, dir string) []string {
	var out []string
	fields := strings.Fields(opts)
	for i := 0; i < len(fields); i++ {
		f := strings.ReplaceAll(fields[i], "`pwd`", dir)
		switch {
		case f == "-I" && i+1 < len(fields):
			i++
			out = append(out, "-I"+strings.ReplaceAll(fields[i], "`pwd`", dir))
		case strings.HasPrefix(f, "-I"):
			out = append(out, f)
		case strings.HasPrefix(f, "-") && len(f) > 1:
			if s := strings.ReplaceAll(f[1:], "S", ""); s != "" {
				out = append(out, "-"+s)
			}
		}
	}
	return out
}

// lookPath finds name in the PATH of env.
func lookPath(name string, env []string) string {
	for _, kv := range env {
		v, ok := strings.CutPrefix(kv, "PATH=")
		if !ok {
			continue
		}
		for _, d := range filepath.SplitList(v) {
			p := filepath.Join(d, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
				return p
			}
		}
	}
	return ""
}
