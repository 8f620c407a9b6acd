// Package hosttest builds the Go binaries that tests start as processes
// (plugin agents, vigil itself): it lives below plugins/host, one of the
// two places allowed to start processes.
package hosttest

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Main is a test binary's TestMain: it builds each package of pkgs (name
// → package path, relative to the test's directory) into a temporary
// directory, records each binary's path in bins under its name, runs the
// tests, removes the directory and exits with the tests' code. A build
// that fails is reported on w (the test binary's standard error) with the
// compiler's output, and exits 1.
func Main(m *testing.M, w io.Writer, bins map[string]string, pkgs map[string]string) {
	dir, err := os.MkdirTemp("", "vigil-test-bin")
	if err != nil {
		fmt.Fprintln(w, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		for name, pkg := range pkgs {
			out := filepath.Join(dir, name)
			cmd := exec.Command("go", "build", "-o", out, pkg)
			cmd.Stdout, cmd.Stderr = w, w
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(w, "build %s: %v\n", pkg, err)
				return 1
			}
			bins[name] = out
		}
		return m.Run()
	}()
	os.Exit(code)
}
