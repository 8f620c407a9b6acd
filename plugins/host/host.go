package host

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/framework/ep"
	"github.com/vigil-ha/vigil/framework/model"
	"github.com/vigil-ha/vigil/framework/runner"
	"github.com/vigil-ha/vigil/plugins/sdk"
)

// Defaults of Options.
const (
	DefaultStartTimeout = 30 * time.Second
	DefaultPingTimeout  = 2 * time.Second
	DefaultMinBackoff   = 100 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
)

// Errors of the host.
var (
	ErrPluginDown   = errors.New("plugin is not running (relaunching)")
	ErrPluginExited = errors.New("plugin exited")
	ErrClosed       = errors.New("plugin host closed")
)

// Options configure the host of one type's plugin.
type Options struct {
	Type   *model.Type
	Path   string      // the plugin binary
	Env    []string    // its environment (KEY=VALUE); nothing is inherited
	Logger *zap.Logger // the type's agent log
	Clock  clock.Clock // nil = clock.Real
	// StartTimeout bounds the plugin's start-up (handshake and Describe).
	StartTimeout time.Duration
	// PingTimeout bounds the ping after a timed-out call; no answer means
	// the plugin hangs and is killed.
	PingTimeout time.Duration
	// MinBackoff and MaxBackoff bound the delay before a relaunch; it
	// doubles after each failed launch and resets after a launch.
	MinBackoff, MaxBackoff time.Duration
	// Cgroup returns a new cgroup directory for each launch of the plugin
	// (runner.Runner.HelperCgroup): killing the plugin kills every process
	// it started, even one in a session of its own, and the cgroup is
	// removed once empty. Nil, or "", = none (the plugin's process group
	// only).
	Cgroup func() string
}

// instance is one launched plugin process.
type instance struct {
	gen    int
	client *plugin.Client
	agent  *sdk.Client
	pid    int
	cgroup string // "" = none
}

// Host runs one type's entry points in its plugin process.
type Host struct {
	o          Options
	mu         sync.Mutex
	cur        *instance     // nil while relaunching
	up         chan struct{} // closed once cur is set; replaced when it is retired
	gen        int
	eps        map[ep.Name]bool
	onRelaunch func()
	closed     bool
	kick       chan struct{} // wakes the supervisor to check the plugin
	done       chan struct{}
	wg         sync.WaitGroup
	cgroups    sync.WaitGroup // removals of killed instances' cgroups
}

var _ ep.Implementation = (*Host)(nil)

// New launches the plugin and returns its host. The plugin's entry points
// are learnt at launch.
func New(o Options) (*Host, error) {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = DefaultPingTimeout
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(DefaultMaxBackoff, o.MinBackoff)
	}
	h := &Host{o: o, kick: make(chan struct{}, 1), done: make(chan struct{}), up: make(chan struct{})}
	inst, eps, err := h.launch()
	if err != nil {
		return nil, err
	}
	h.cur, h.eps = inst, eps
	close(h.up)
	h.wg.Add(1)
	go h.supervise()
	return h, nil
}

// OnRelaunch sets the function called after the plugin was relaunched (the
// daemon re-probes the type's resources).
func (h *Host) OnRelaunch(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onRelaunch = f
}

// Pid returns the plugin's current process id (0 while relaunching).
func (h *Host) Pid() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return 0
	}
	return h.cur.pid
}

// Has reports whether the plugin implements entry point n.
func (h *Host) Has(n ep.Name) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.eps[n]
}

// Close kills the plugin (its cgroup, or its process group), stops
// relaunching and removes the plugin's cgroup.
func (h *Host) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	cur := h.cur
	h.cur = nil
	h.mu.Unlock()
	close(h.done)
	h.wg.Wait()
	if cur != nil {
		h.kill(cur)
	}
	h.cgroups.Wait()
	return nil
}

// launch starts a plugin process and learns its entry points.
func (h *Host) launch() (*instance, map[ep.Name]bool, error) {
	h.mu.Lock()
	h.gen++
	gen := h.gen
	h.mu.Unlock()
	log := h.o.Logger
	var cl *plugin.Client
	var rpc plugin.ClientProtocol
	var err error
	cmd := command(h.o.Path, h.o.Env)
	var cgroup string
	if h.o.Cgroup != nil {
		cgroup = h.o.Cgroup()
	}
	if cgroup != "" {
		// Started straight into the cgroup (clone3): nothing it forks can
		// be outside it.
		fd, err := unix.Open(cgroup, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			h.removeCgroup(cgroup)
			return nil, nil, fmt.Errorf("plugin %s of type %q: cgroup: %w", h.o.Path, h.o.Type.Name, err)
		}
		defer unix.Close(fd)
		cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, fd
	}
	failed := func() {
		cl.Kill()
		h.removeCgroup(cgroup)
	}
	onLauncherThread(func() {
		cl = plugin.NewClient(&plugin.ClientConfig{
			HandshakeConfig:  sdk.Handshake,
			Plugins:          plugin.PluginSet{sdk.PluginName: &sdk.GRPCPlugin{}},
			Cmd:              cmd,
			AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
			AutoMTLS:         true,
			SkipHostEnv:      true,
			StartTimeout:     h.o.StartTimeout,
			Logger:           newHCLog(log),
		})
		rpc, err = cl.Client()
	})
	if err != nil {
		failed()
		return nil, nil, fmt.Errorf("plugin %s of type %q: start: %w", h.o.Path, h.o.Type.Name, err)
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		failed()
		return nil, nil, fmt.Errorf("plugin %s of type %q: dispense: %w", h.o.Path, h.o.Type.Name, err)
	}
	agent, ok := raw.(*sdk.Client)
	if !ok {
		failed()
		return nil, nil, fmt.Errorf("plugin %s of type %q: dispensed %T", h.o.Path, h.o.Type.Name, raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.o.StartTimeout)
	defer cancel()
	names, err := agent.Describe(ctx)
	if err != nil {
		failed()
		return nil, nil, fmt.Errorf("plugin %s of type %q: %w", h.o.Path, h.o.Type.Name, err)
	}
	eps := map[ep.Name]bool{}
	for _, n := range names {
		eps[ep.Name(n)] = true
	}
	inst := &instance{gen: gen, client: cl, agent: agent, cgroup: cgroup}
	if rc := cl.ReattachConfig(); rc != nil {
		inst.pid = rc.Pid
	}
	log.Info("plugin started", zap.String("path", h.o.Path), zap.Int("pid", inst.pid), zap.Int("launch", gen))
	return inst, eps, nil
}

// kill ends an instance: SIGKILL to its cgroup (every process it
// started) or its process group, then go-plugin's own clean-up; the
// cgroup is removed once empty (in the background: an RCU grace period).
func (h *Host) kill(inst *instance) {
	if inst.cgroup != "" {
		if _, err := runner.KillTree(inst.cgroup); err != nil {
			h.o.Logger.Warn("kill the plugin's cgroup", zap.Error(err))
		}
	}
	if inst.pid > 0 {
		unix.Kill(-inst.pid, unix.SIGKILL)
	}
	inst.client.Kill()
	h.removeCgroup(inst.cgroup)
}

// removeCgroup removes a killed instance's cgroup once it is empty, in the
// background (an RCU grace period); Close waits for it.
func (h *Host) removeCgroup(dir string) {
	if dir == "" {
		return
	}
	h.cgroups.Add(1)
	go func() { defer h.cgroups.Done(); runner.RemoveCgroup(dir) }()
}
