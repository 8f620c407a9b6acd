// Package e2e holds vigil's end-to-end tests: they build the real binary,
// start `vigil agent` against real configurations in test/testdata (real
// script agents, real files and processes) and drive it only through the
// CLI (and, for malformed input, the raw API socket).
package e2e
