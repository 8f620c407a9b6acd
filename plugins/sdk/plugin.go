package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vigil-ha/vigil/plugins/proto"
)

// Handshake is the go-plugin handshake between the plugin host and
// Serve. ProtocolVersion changes whenever plugins/proto changes
// incompatibly; a plugin built for another version is refused at start
// with both versions named.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "VIGIL_AGENT_PLUGIN",
	MagicCookieValue: "b5f0c3a1-vigil-agent",
}

// PluginName is the name the agent is dispensed under.
const PluginName = "agent"

// GRPCPlugin is the go-plugin adapter of an agent: the plugin side serves
// Agent over gRPC, the host side gets a *Client. Hosts set no Agent.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Agent Agent
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)

// GRPCServer registers the agent's gRPC server.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterAgentServer(s, &server{agent: p.Agent, log: pluginLogger()})
	return nil
}

// GRPCClient returns the host's client of the agent.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &Client{c: proto.NewAgentClient(c)}, nil
}

// Client is the host's view of a plugin agent.
type Client struct {
	c proto.AgentClient
}

// Describe returns the entry points the plugin implements.
func (c *Client) Describe(ctx context.Context) ([]EntryPoint, error) {
	rep, err := c.c.Describe(ctx, &proto.DescribeRequest{})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	out := make([]EntryPoint, 0, len(rep.EntryPoints))
	for _, n := range rep.EntryPoints {
		out = append(out, EntryPoint(n))
	}
	return out, nil
}

// Call runs one entry point in the plugin; ctx's deadline travels with it.
func (c *Client) Call(ctx context.Context, call Call) (Reply, error) {
	rep, err := c.c.Call(ctx, toProto(call))
	if err != nil {
		return Reply{}, err
	}
	return Reply{ExitCode: int(rep.ExitCode), Output: rep.Output}, nil
}

// Notifications runs the plugin's IMF notification stream for a type
// until ctx ends or the plugin ends it, calling notify for each resource
// named. It returns nil when the plugin ended the stream, an error
// wrapping ErrIMFUnavailable when the plugin said IMF cannot work, and
// the transport's error otherwise.
func (c *Client) Notifications(ctx context.Context, typeName string, notify func(resource string)) error {
	st, err := c.c.Notifications(ctx, &proto.NotificationsRequest{Type: typeName})
	if err != nil {
		return notificationsErr(err)
	}
	for {
		n, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return notificationsErr(err)
		}
		notify(n.Resource)
	}
}

// notificationsErr maps the plugin's FAILED_PRECONDITION to
// ErrIMFUnavailable.
func notificationsErr(err error) error {
	if status.Code(err) == codes.FailedPrecondition {
		return fmt.Errorf("%w: %s", ErrIMFUnavailable, status.Convert(err).Message())
	}
	return fmt.Errorf("imf notifications: %w", err)
}

// toProto encodes a call.
func toProto(c Call) *proto.CallRequest {
	r := c.Resource
	req := &proto.CallRequest{EntryPoint: string(c.EP), Type: r.Type, Resource: r.Name,
		CleanReason: int32(c.CleanReason), InfoOp: int32(c.InfoOp), Token: c.Token, Args: c.Args,
		ChangedResource: c.Change.Resource, ChangedAttr: c.Change.Attr, ChangedValue: c.Change.Value,
		ImfOn: c.IMFOn, ImfOnline: c.IMFOnline}
	for _, a := range r.Attrs {
		pa := &proto.Attr{Name: a.Name, Kind: proto.Attr_Kind(a.Kind), Dim: proto.Attr_Dim(a.Dim), Scalar: a.Scalar,
			List: a.List}
		for _, kv := range a.Assoc {
			pa.Assoc = append(pa.Assoc, &proto.KV{Key: kv.Key, Value: kv.Value})
		}
		req.Attrs = append(req.Attrs, pa)
	}
	return req
}

// fromProto decodes a call; the resource's logger is set by the caller.
func fromProto(req *proto.CallRequest) Call {
	r := &Resource{Name: req.Resource, Type: req.Type}
	for _, pa := range req.Attrs {
		a := Attr{Name: pa.Name, Kind: Kind(pa.Kind), Dim: Dim(pa.Dim), Scalar: pa.Scalar, List: pa.List}
		for _, kv := range pa.Assoc {
			a.Assoc = append(a.Assoc, KV{Key: kv.Key, Value: kv.Value})
		}
		r.Attrs = append(r.Attrs, a)
	}
	return Call{EP: EntryPoint(req.EntryPoint), Resource: r, CleanReason: CleanReason(req.CleanReason),
		InfoOp: InfoOp(req.InfoOp), Token: req.Token, Args: req.Args,
		Change: AttrChange{Resource: req.ChangedResource, Attr: req.ChangedAttr, Value: req.ChangedValue},
		IMFOn:  req.ImfOn, IMFOnline: req.ImfOnline}
}
