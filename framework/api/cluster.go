package api

import (
	"context"
	"net/http"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// ClusterBackend is what the cluster routes need; a daemon in a cluster
// provides it (framework/daemon), a single-node daemon does not.
type ClusterBackend interface {
	// Cluster returns every system and failover group of the cluster.
	Cluster(ctx context.Context) (wire.ClusterView, error)
	// PlaceGroup asks for a group online on one system (switch or online
	// --sys); with Wait it returns once the group is online there.
	PlaceGroup(ctx context.Context, group string, req wire.PlaceRequest) error
	// OfflineGroupAny makes the cluster stop wanting a failover group
	// online, wherever it runs; with wait it returns once no system owns it.
	OfflineGroupAny(ctx context.Context, group string, wait bool) error
	// FreezeSystem freezes (or unfreezes) a system: it takes no failover
	// group until unfrozen (hasys -freeze).
	FreezeSystem(ctx context.Context, system string, on bool) error
}

// clusterRoutes adds GET /v1/cluster, POST /v1/cluster/groups/{name}/place
// and POST /v1/cluster/groups/{name}/offline; without a ClusterBackend they
// answer 404 with the reason.
func (s *Server) clusterRoutes() {
	single := "this daemon runs single-node: start it with --cluster or --etcd-endpoints"
	s.mux.HandleFunc("GET /v1/cluster", func(w http.ResponseWriter, r *http.Request) {
		if s.o.Cluster == nil {
			writeError(w, http.StatusNotFound, single)
			return
		}
		v, err := s.o.Cluster.Cluster(r.Context())
		reply(w, v, err)
	})
	s.mux.HandleFunc("POST /v1/cluster/groups/{name}/place", func(w http.ResponseWriter, r *http.Request) {
		if s.o.Cluster == nil {
			writeError(w, http.StatusNotFound, single)
			return
		}
		var req wire.PlaceRequest
		if err := decode(r, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		if req.System == "" {
			writeError(w, http.StatusBadRequest, "malformed request body: system is required")
			return
		}
		ctx, cancel, err := opContext(r, wire.OpRequest{Wait: req.Wait, Timeout: req.Timeout})
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		defer cancel()
		reply(w, wire.OKReply{OK: true}, causeOf(ctx, s.o.Cluster.PlaceGroup(ctx, r.PathValue("name"), req)))
	})
	s.mux.HandleFunc("POST /v1/cluster/groups/{name}/offline", func(w http.ResponseWriter, r *http.Request) {
		if s.o.Cluster == nil {
			writeError(w, http.StatusNotFound, single)
			return
		}
		op, ctx, cancel, ok := decodeOp(w, r)
		if !ok {
			return
		}
		defer cancel()
		reply(w, wire.OKReply{OK: true}, causeOf(ctx, s.o.Cluster.OfflineGroupAny(ctx, r.PathValue("name"), op.Wait)))
	})
	for _, verb := range []string{"freeze", "unfreeze"} {
		s.mux.HandleFunc("POST /v1/cluster/systems/{name}/"+verb, func(w http.ResponseWriter, r *http.Request) {
			if s.o.Cluster == nil {
				writeError(w, http.StatusNotFound, single)
				return
			}
			_, ctx, cancel, ok := decodeOp(w, r)
			if !ok {
				return
			}
			defer cancel()
			reply(w, wire.OKReply{OK: true}, causeOf(ctx, s.o.Cluster.FreezeSystem(ctx, r.PathValue("name"), verb == "freeze")))
		})
	}
}

// Cluster returns the cluster view (GET /v1/cluster).
func (c *Client) Cluster(ctx context.Context) (wire.ClusterView, error) {
	var v wire.ClusterView
	err := c.do(ctx, http.MethodGet, "/v1/cluster", nil, &v)
	return v, err
}

// PlaceGroup asks for a group online on a system (switch, online --sys).
func (c *Client) PlaceGroup(ctx context.Context, group string, req wire.PlaceRequest) error {
	return c.do(ctx, http.MethodPost, "/v1/cluster/groups/"+esc(group)+"/place", req, nil)
}

// FreezeSystem freezes (or, with on false, unfreezes) a system of the
// cluster.
func (c *Client) FreezeSystem(ctx context.Context, system string, on bool) error {
	verb := map[bool]string{true: "freeze", false: "unfreeze"}[on]
	return c.do(ctx, http.MethodPost, "/v1/cluster/systems/"+esc(system)+"/"+verb, wire.OpRequest{}, nil)
}

// OfflineGroupAny takes a failover group offline wherever it runs.
func (c *Client) OfflineGroupAny(ctx context.Context, group string, op wire.OpRequest) error {
	return c.do(ctx, http.MethodPost, "/v1/cluster/groups/"+esc(group)+"/offline", op, nil)
}
