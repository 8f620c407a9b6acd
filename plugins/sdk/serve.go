package sdk

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/sys/unix"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vigil-ha/vigil/framework/clock"
	"github.com/vigil-ha/vigil/plugins/proto"
)

// stderr is the process's real standard error, file descriptor 2, which
// the host reads: go-plugin points the os.Stderr variable at its own stdio
// stream once it serves, so the plugin's log must not follow that variable.
var stderr = os.NewFile(uintptr(unix.Stderr), "/dev/stderr")

// Serve runs a as a plugin agent: the main of a plugin binary calls it and
// nothing else. It serves the host over go-plugin gRPC with AutoMTLS until
// the host closes it. The resource loggers write hclog-style JSON lines to
// stderr, which the host forwards into the type's agent log. Serve also
// exits when its parent (the daemon) goes away, even after kill -9.
func Serve(a Agent) {
	go watchParent(os.Getppid())
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         plugin.PluginSet{PluginName: &GRPCPlugin{Agent: a}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          hclog.New(&hclog.LoggerOptions{Output: stderr, JSONFormat: true, Level: hclog.Info}),
	})
}

// watchParent exits the plugin when its parent changes (the daemon died
// and the plugin was reparented): the host also sets Pdeathsig, this is
// the second line of defence for hosts that cannot.
func watchParent(ppid int) {
	for {
		<-clock.Real{}.After(500 * time.Millisecond)
		if os.Getppid() != ppid {
			os.Exit(2)
		}
	}
}

// pluginLogger returns the logger of a plugin process: JSON lines on
// stderr in the shape go-plugin parses (@level, @message, @timestamp).
func pluginLogger() *zap.Logger {
	enc := zapcore.EncoderConfig{MessageKey: "@message", LevelKey: "@level", TimeKey: "@timestamp",
		EncodeLevel: zapcore.LowercaseLevelEncoder, EncodeDuration: zapcore.StringDurationEncoder,
		EncodeTime: zapcore.TimeEncoderOfLayout("2006-01-02T15:04:05.000000Z07:00")}
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.Lock(stderr), zapcore.DebugLevel))
}

// server is the plugin side of the protocol.
type server struct {
	proto.UnimplementedAgentServer
	agent Agent
	log   *zap.Logger
}

// Describe lists the agent's entry points.
func (s *server) Describe(context.Context, *proto.DescribeRequest) (*proto.DescribeReply, error) {
	rep := &proto.DescribeReply{}
	for _, n := range Implements(s.agent) {
		rep.EntryPoints = append(rep.EntryPoints, string(n))
	}
	return rep, nil
}

// Call runs one entry point with the caller's deadline.
func (s *server) Call(ctx context.Context, req *proto.CallRequest) (*proto.CallReply, error) {
	c := fromProto(req)
	log := s.log.With(zap.String("ep", req.EntryPoint))
	if req.Resource != "" {
		log = log.With(zap.String("resource", req.Resource))
	}
	c.Resource.Log = log
	rep, err := Dispatch(ctx, s.agent, c)
	if err != nil {
		return nil, status.Error(codes.Unimplemented, err.Error())
	}
	return &proto.CallReply{ExitCode: int32(rep.ExitCode), Output: rep.Output}, nil
}

// Notifications runs the agent's IMF notification stream until the host
// cancels it; an agent without IMF answers Unimplemented.
func (s *server) Notifications(req *proto.NotificationsRequest, st proto.Agent_NotificationsServer) error {
	x, ok := s.agent.(IMF)
	if !ok {
		return status.Error(codes.Unimplemented, "the agent does not implement IMF")
	}
	var mu sync.Mutex // notify may be called from several goroutines; Send may not
	err := x.IMFNotifications(st.Context(), func(resource string) {
		mu.Lock()
		defer mu.Unlock()
		if err := st.Send(&proto.Notification{Resource: resource}); err != nil {
			s.log.Debug("imf notification not sent", zap.String("resource", resource), zap.Error(err))
		}
	})
	switch {
	case errors.Is(err, ErrIMFUnavailable):
		return status.Error(codes.FailedPrecondition, err.Error())
	case err != nil && st.Context().Err() == nil:
		return status.Error(codes.Unknown, err.Error())
	}
	return nil
}
