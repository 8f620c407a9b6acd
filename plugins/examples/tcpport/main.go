// Command tcpport is a plugin agent for TCPPort, a persistent resource
// that is ONLINE while Host:Port accepts TCP connections. It has only a
// monitor, bounded by the entry point's deadline.
package main

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

type agent struct{}

var _ sdk.Agent = agent{}

// Monitor connects to Host:Port within the monitor's deadline.
func (agent) Monitor(ctx context.Context, r *sdk.Resource) (sdk.State, int, error) {
	host, port := r.Attrs.Str("Host"), r.Attrs.Int("Port")
	if host == "" {
		host = "127.0.0.1"
	}
	if port <= 0 || port > 65535 {
		return sdk.Unknown, 0, fmt.Errorf("resource %s: Port %d is not a TCP port", r.Name, port)
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return sdk.Offline, 0, nil
	}
	c.Close()
	return sdk.Online, 100, nil
}

func main() { sdk.Serve(agent{}) }
