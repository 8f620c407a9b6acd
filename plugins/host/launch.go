package host

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Pdeathsig is delivered when the *thread* that started a child exits,
// not the process. Go may end idle threads, so every plugin is started
// from one goroutine locked to its OS thread for the daemon's lifetime:
// the signal then comes exactly when the daemon dies.

var (
	launchOnce sync.Once
	launches   chan func()
)

// onLauncherThread runs f on the launcher thread and waits for it.
func onLauncherThread(f func()) {
	launchOnce.Do(func() {
		launches = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for f := range launches {
				f()
			}
		}()
	})
	done := make(chan struct{})
	launches <- func() { defer close(done); f() }
	<-done
}

// command returns the plugin's command: its own process group (so Close
// reaches its children), SIGKILL when the daemon dies, a clean
// environment.
func command(path string, env []string) *exec.Cmd {
	cmd := exec.Command(path)
	cmd.Env = env
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return cmd
}
