package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/events"
)

// ServerOptions configure a Server.
type ServerOptions struct {
	Backend Backend
	Bus     *events.Bus
	// IMF lists registered watches; nil answers an empty list.
	IMF    func() []wire.IMFWatch
	Logger *zap.Logger
	// AllowUID is the one non-root user allowed to connect (the daemon's).
	AllowUID int
	// Limits bound what clients may hold; zero fields take DefaultLimits.
	Limits Limits
	// Cluster serves /v1/cluster; nil in a single-node daemon (cluster.go).
	Cluster ClusterBackend
}

// Server serves the API.
type Server struct {
	o   ServerOptions
	mux *http.ServeMux
}

// NewServer returns a server for a backend and an event bus.
func NewServer(o ServerOptions) *Server {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	s := &Server{o: o, mux: http.NewServeMux()}
	s.routes()
	return s
}

// Handler returns the HTTP handler, with the peer credential check. The
// check fails closed: a request whose connection has no peer credentials
// (not served by Serve, not a Unix socket, SO_PEERCRED failed) is refused
// with 403 like one from a user who may not connect.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg, ok := s.admit(r.Context()); !ok {
			writeError(w, http.StatusForbidden, msg)
			return
		}
		bodyDeadline(w, r, s.o.Limits.withDefaults().BodyTimeout)
		s.mux.ServeHTTP(w, r)
	})
}

// admit reports whether the peer recorded in ctx may use the API and, if
// not, why.
func (s *Server) admit(ctx context.Context) (string, bool) {
	p, ok := peerFrom(ctx)
	switch {
	case !ok:
		return "peer credentials unavailable: none recorded for this connection", false
	case p.Err != nil:
		return fmt.Sprintf("peer credentials unavailable: %v", p.Err), false
	case p.UID != 0 && p.UID != s.o.AllowUID:
		return fmt.Sprintf("permission denied: uid %d may not use this socket", p.UID), false
	}
	return "", true
}

// Listen creates the socket at path (mode 0600, its directory 0755 if
// missing), replacing a stale socket file.
func Listen(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("socket directory: %w", err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("socket %s: exists and is not a socket", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("socket %s: another daemon is listening", path)
		}
		os.Remove(path)
	}
	old := umask(0o177)
	l, err := net.Listen("unix", path)
	umask(old)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	return l, nil
}

// Serve serves on l until ctx is done, then shuts down (streams are cut).
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	lim := s.o.Limits.withDefaults()
	hs := &http.Server{Handler: s.Handler(), ConnContext: withPeer, ReadHeaderTimeout: lim.HeaderTimeout,
		IdleTimeout: lim.IdleTimeout, MaxHeaderBytes: 64 << 10}
	l = newLimitListener(l, lim.MaxConns, s.o.Logger)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	hs.Close()
	return nil
}

func (s *Server) routes() {
	m := s.mux
	s.clusterRoutes()
	m.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.o.Backend.Status())
	})
	m.HandleFunc("GET /v1/resources", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.o.Backend.Resources())
	})
	m.HandleFunc("GET /v1/resources/{name}", func(w http.ResponseWriter, r *http.Request) {
		v, err := s.o.Backend.Resource(r.PathValue("name"))
		reply(w, v, err)
	})
	m.HandleFunc("GET /v1/resources/{name}/state", func(w http.ResponseWriter, r *http.Request) {
		v, err := s.o.Backend.Resource(r.PathValue("name"))
		reply(w, wire.StateReply{Resource: v.Name, State: v.State, Flags: v.Flags}, err)
	})
	m.HandleFunc("GET /v1/resources/{name}/attrs/{attr}", func(w http.ResponseWriter, r *http.Request) {
		v, err := s.o.Backend.Value(r.PathValue("name"), r.PathValue("attr"))
		reply(w, v, err)
	})
	m.HandleFunc("POST /v1/resources/{name}/{verb}", s.resourceVerb)
	m.HandleFunc("GET /v1/groups", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.o.Backend.Groups())
	})
	m.HandleFunc("GET /v1/groups/{name}", func(w http.ResponseWriter, r *http.Request) {
		v, err := s.o.Backend.Group(r.PathValue("name"))
		reply(w, v, err)
	})
	m.HandleFunc("POST /v1/groups/{name}/{verb}", s.groupVerb)
	m.HandleFunc("GET /v1/types", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, s.o.Backend.Types())
	})
	m.HandleFunc("GET /v1/types/{name}", func(w http.ResponseWriter, r *http.Request) {
		v, err := s.o.Backend.Type(r.PathValue("name"))
		reply(w, v, err)
	})
	m.HandleFunc("GET /v1/events", s.events)
	s.statsRoutes(m)
	s.adminRoutes(m)
	m.HandleFunc("GET /v1/imf", func(w http.ResponseWriter, r *http.Request) {
		out := []wire.IMFWatch{}
		if s.o.IMF != nil {
			out = append(out, s.o.IMF()...)
		}
		writeJSON(w, out)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint: %s %s", r.Method, r.URL.Path))
	})
}

// decode reads a JSON body strictly; an empty body leaves v unchanged. The
// body must arrive within BodyTimeout and be at most MaxBody bytes.
func decode(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("malformed request body: %w", err)
	}
	if d.More() {
		return errors.New("malformed request body: trailing data after the JSON object")
	}
	return nil
}

// opContext applies an OpRequest's timeout to the request context.
func opContext(r *http.Request, op wire.OpRequest) (context.Context, context.CancelFunc, error) {
	if op.Timeout == "" {
		ctx, cancel := context.WithCancel(r.Context())
		return ctx, cancel, nil
	}
	d, err := time.ParseDuration(op.Timeout)
	if err != nil || d <= 0 {
		return nil, nil, fmt.Errorf("malformed request body: timeout %q is not a positive duration", op.Timeout)
	}
	ctx, cancel := context.WithTimeoutCause(r.Context(), d,
		fmt.Errorf("timed out after %s waiting for the steady state (the operation goes on)", d))
	return ctx, cancel, nil
}

// decodeOp reads an operation request and makes its context (bounded by
// its timeout). On a malformed request it answers 400 and reports false.
func decodeOp(w http.ResponseWriter, r *http.Request) (wire.OpRequest, context.Context, context.CancelFunc, bool) {
	var op wire.OpRequest
	if err := decode(r, &op); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return op, nil, nil, false
	}
	ctx, cancel, err := opContext(r, op)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return op, nil, nil, false
	}
	return op, ctx, cancel, true
}

func (s *Server) resourceVerb(w http.ResponseWriter, r *http.Request) {
	name, verb := r.PathValue("name"), r.PathValue("verb")
	b := s.o.Backend
	switch verb {
	case "online", "offline":
		op, ctx, cancel, ok := decodeOp(w, r)
		if !ok {
			return
		}
		defer cancel()
		f := b.OnlineResource
		if verb == "offline" {
			f = b.OfflineResource
		}
		reply(w, wire.OKReply{OK: true}, causeOf(ctx, f(ctx, name, op.Wait)))
	case "probe", "clear", "refreshinfo":
		f := map[string]func(string) error{"probe": b.Probe, "clear": b.Clear, "refreshinfo": b.RefreshInfo}[verb]
		reply(w, wire.OKReply{OK: true}, f(name))
	case "action":
		var a wire.ActionRequest
		if err := decode(r, &a); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		res, err := b.Action(r.Context(), name, a.Token, a.Args)
		reply(w, wire.ActionReply{ExitCode: res.ExitCode, Outcome: res.Outcome.String(), Output: string(res.Output)}, err)
	case "modify":
		var m wire.ModifyRequest
		if err := decode(r, &m); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		if m.Attribute == "" {
			writeError(w, http.StatusBadRequest, "malformed request body: no attribute given")
			return
		}
		reply(w, wire.OKReply{OK: true}, b.Modify(name, m.Attribute, m.Values))
	default:
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such resource operation %q", verb))
	}
}

func (s *Server) groupVerb(w http.ResponseWriter, r *http.Request) {
	name, verb := r.PathValue("name"), r.PathValue("verb")
	if verb != "online" && verb != "offline" {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such group operation %q", verb))
		return
	}
	op, ctx, cancel, ok := decodeOp(w, r)
	if !ok {
		return
	}
	defer cancel()
	f := s.o.Backend.OnlineGroup
	if verb == "offline" {
		f = s.o.Backend.OfflineGroup
	}
	reply(w, wire.OKReply{OK: true}, causeOf(ctx, f(ctx, name, op.Wait)))
}

// causeOf replaces a bare context error by the context's cause.
func causeOf(ctx context.Context, err error) error {
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		if c := context.Cause(ctx); c != nil {
			return timeoutError{c}
		}
	}
	return err
}

type timeoutError struct{ error }

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 100
	if v := q.Get("n"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("query parameter n must be a non-negative integer, got %q", v))
			return
		}
		n = k
	}
	follow := q.Get("follow") == "1" || q.Get("follow") == "true"
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	if !follow {
		for _, e := range s.o.Bus.Recent(n) {
			enc.Encode(e)
		}
		return
	}
	sub := s.o.Bus.Subscribe(4096, false)
	defer sub.Cancel()
	for _, e := range s.o.Bus.Recent(n) {
		enc.Encode(e)
	}
	fl, _ := w.(http.Flusher)
	if fl != nil {
		fl.Flush()
	}
	for {
		select {
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			if err := enc.Encode(e); err != nil {
				return
			}
			if fl != nil {
				fl.Flush()
			}
		case <-r.Context().Done():
			return
		}
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(wire.ErrorReply{Error: msg})
}

// reply writes v, or err with the status its kind deserves.
func reply(w http.ResponseWriter, v any, err error) {
	if err == nil {
		writeJSON(w, v)
		return
	}
	writeError(w, statusOf(err), err.Error())
}

func statusOf(err error) int {
	var te timeoutError
	switch {
	case errors.As(err, &te):
		return http.StatusGatewayTimeout
	case errors.Is(err, engine.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, engine.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, engine.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, engine.ErrFailed):
		return http.StatusUnprocessableEntity
	default:
		return http.StatusInternalServerError
	}
}
