package examples_test

import (
	"os"
	"testing"

	"github.com/vigil-ha/vigil/plugins/host/hosttest"
)

// bins holds the binaries TestMain builds: the examples and vigil itself.
var bins = map[string]string{}

func TestMain(m *testing.M) {
	hosttest.Main(m, os.Stderr, bins, map[string]string{"fileonoff": "./fileonoff", "tcpport": "./tcpport",
		"mixed": "./mixed", "vigil": "../../cmd/vigil"})
}
