package runner

import (
	"fmt"

	"github.com/vigil-ha/vigil/framework/ep"
)

// Meaning explains a result for an entry point in words, e.g.
// "exit 100 (offline)" or "timed out". vigil ep prints it.
func Meaning(name ep.Name, r ep.Result) string {
	switch r.Outcome {
	case ep.Signaled:
		return "killed by signal " + r.Signal
	case ep.TimedOut:
		return "timed out (process tree killed)"
	case ep.ExecError:
		return fmt.Sprintf("exec failed: %v", r.Err)
	case ep.Canceled:
		return "canceled (process tree killed)"
	}
	return fmt.Sprintf("exit %d (%s)", r.ExitCode, exitMeaning(name, r))
}

func exitMeaning(name ep.Name, r ep.Result) string {
	c := r.ExitCode
	switch name {
	case ep.Monitor:
		st, conf := ep.InterpretMonitor(r)
		switch st {
		case ep.StateOnline:
			return fmt.Sprintf("online, confidence %d", conf)
		case ep.StateUnknown:
			if c == ep.MonitorUnknown {
				return "unknown"
			}
			return "unknown: not a monitor code"
		}
		return st.String()
	case ep.Online, ep.Offline:
		return fmt.Sprintf("run monitor after %d s", c)
	case ep.Clean, ep.IMFRegister, ep.IMFInit:
		if c == 0 {
			return "success"
		}
		return "failure"
	case ep.Action:
		if c == 0 {
			return "success; output returned to the caller"
		}
		return "failure; output returned to the caller"
	case ep.Info:
		if c == 0 {
			return "success; output becomes ResourceInfo Msg, State Valid"
		}
		return "failure; output ignored, ResourceInfo State Invalid"
	case ep.IMFGetNotification:
		if m, ok := map[int]string{0: "ok", 3: "interrupted", 4: "critical failure: IMF disabled for the type"}[c]; ok {
			return m
		}
		return "failure"
	}
	return "ignored"
}
