// Command misbehave is a plugin agent for the host's tests: its monitor
// does what the resource's Mode attribute says — "hang" (ignores its
// deadline), "panic", "slow" (writes <PathName>.in-monitor, sleeps 3 s, then as "ok"), "exit" (the process
// exits), "escape" (starts `setsid sleep 1000`, writes its pid to
// <PathName>.escaped, then as "ok") — and otherwise reports ONLINE while
// PathName exists.
package main

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/vigil-ha/vigil/plugins/sdk"
)

type agent struct{}

func (agent) Monitor(ctx context.Context, r *sdk.Resource) (sdk.State, int, error) {
	switch r.Attrs.Str("Mode") {
	case "hang":
		select {}
	case "panic":
		panic("misbehave: boom in monitor")
	case "slow":
		os.WriteFile(r.Attrs.Str("PathName")+".in-monitor", nil, 0o644)
		time.Sleep(3 * time.Second)
	case "exit":
		os.Exit(3)
	case "escape":
		cmd := exec.Command("setsid", "sleep", "1000")
		if err := cmd.Start(); err != nil {
			return sdk.Unknown, 0, err
		}
		go cmd.Wait()
		os.WriteFile(r.Attrs.Str("PathName")+".escaped", []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	}
	r.Log.Info("monitor ran", sdk.MsgID(7001))
	if _, err := os.Stat(r.Attrs.Str("PathName")); err == nil {
		return sdk.Online, 100, nil
	}
	return sdk.Offline, 0, nil
}

func main() { sdk.Serve(agent{}) }
