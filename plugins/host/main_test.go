package host_test

import (
	"os"
	"testing"

	"github.com/vigil-ha/vigil/plugins/host/hosttest"
)

// bins holds the plugin binaries TestMain builds: misbehave and the
// examples, by directory name.
var bins = map[string]string{}

func TestMain(m *testing.M) {
	hosttest.Main(m, os.Stderr, bins, map[string]string{"misbehave": "./testdata/misbehave",
		"fileonoff": "../examples/fileonoff", "tcpport": "../examples/tcpport"})
}
