package cluster

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/clock"
)

// EmbedOptions configure the etcd member a daemon runs in its own process
// (`vigil agent --cluster`), the way k3s embeds etcd.
type EmbedOptions struct {
	// Name is the member's name, normally the system name.
	Name string
	// DataDir holds the member's data (WAL and snapshots).
	DataDir string
	// PeerURL is where the other members reach this one (http://IP:2380).
	PeerURL string
	// ClientURL is where clients reach this member (http://IP:2379).
	ClientURL string
	// InitialCluster lists every member as name=peerURL, comma separated;
	// empty = this member alone.
	InitialCluster string
	// Token tells clusters apart at bootstrap; empty = "vigil".
	Token string
	// Logger receives the member's log (at warn level and above).
	Logger *zap.Logger
	// ReadyTimeout bounds the wait for the member to join its cluster;
	// 0 = one minute.
	ReadyTimeout time.Duration
}

// Embedded is a running embedded etcd member.
type Embedded struct {
	e *embed.Etcd
}

// StartEmbedded starts an etcd member and returns once it serves clients
// (which needs a quorum of the initial cluster to be up).
func StartEmbedded(ctx context.Context, o EmbedOptions) (*Embedded, error) {
	cfg := embed.NewConfig()
	cfg.Name = o.Name
	cfg.Dir = o.DataDir
	peer, err := parseURL("peer", o.PeerURL)
	if err != nil {
		return nil, err
	}
	client, err := parseURL("client", o.ClientURL)
	if err != nil {
		return nil, err
	}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.InitialCluster = o.InitialCluster
	if cfg.InitialCluster == "" {
		cfg.InitialCluster = o.Name + "=" + o.PeerURL
	}
	cfg.InitialClusterToken = o.Token
	if cfg.InitialClusterToken == "" {
		cfg.InitialClusterToken = "vigil"
	}
	cfg.EnableGRPCGateway = false
	// A LAN cluster: heartbeats every 50 ms and elections after 500 ms, so
	// a lost leader is replaced well within a lease's fencing tolerance.
	cfg.TickMs, cfg.ElectionMs = 50, 500
	lg := o.Logger
	if lg == nil {
		lg = zap.NewNop()
	}
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(lg.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return warnCore{c}
	})).Named("etcd"))
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("start etcd member %q: %w", o.Name, err)
	}
	wait := o.ReadyTimeout
	if wait <= 0 {
		wait = time.Minute
	}
	select {
	case <-e.Server.ReadyNotify():
		return &Embedded{e: e}, nil
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcd member %q: %w", o.Name, err)
	case <-clock.Real{}.After(wait):
		e.Close()
		return nil, fmt.Errorf("etcd member %q: not ready within %s (is a quorum of %s up?)", o.Name, wait, cfg.InitialCluster)
	case <-ctx.Done():
		e.Close()
		return nil, fmt.Errorf("etcd member %q: %w", o.Name, ctx.Err())
	}
}

// ClientURLs returns the URLs this member serves clients on.
func (m *Embedded) ClientURLs() []string {
	var out []string
	for _, u := range m.e.Config().AdvertiseClientUrls {
		out = append(out, u.String())
	}
	return out
}

// Close stops the member.
func (m *Embedded) Close() { m.e.Close() }

func parseURL(what, s string) (*url.URL, error) {
	if s == "" {
		return nil, fmt.Errorf("etcd %s URL is empty", what)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("etcd %s URL %q: %w", what, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("etcd %s URL %q: scheme must be http or https", what, s)
	}
	return u, nil
}

// warnCore passes on entries at warn level and above only: the member's
// info chatter stays out of the engine log.
type warnCore struct{ zapcore.Core }

func (c warnCore) Enabled(l zapcore.Level) bool { return l >= zapcore.WarnLevel && c.Core.Enabled(l) }

func (c warnCore) With(f []zapcore.Field) zapcore.Core { return warnCore{c.Core.With(f)} }

func (c warnCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if e.Level < zapcore.WarnLevel {
		return ce
	}
	return c.Core.Check(e, ce)
}
