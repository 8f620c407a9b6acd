package api

import (
	"context"
	"net/http"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// StatsBackend is the optional part of a Backend that serves monitor
// statistics; the server finds it by type assertion. Stats("") lists every
// resource.
type StatsBackend interface {
	Stats(name string) ([]wire.StatsView, error)
}

// statsRoutes adds GET /v1/stats and GET /v1/stats/{name}.
func (s *Server) statsRoutes(m *http.ServeMux) {
	serve := func(w http.ResponseWriter, name string) {
		sb, ok := s.o.Backend.(StatsBackend)
		if !ok {
			writeError(w, http.StatusNotFound, "this daemon keeps no monitor statistics")
			return
		}
		v, err := sb.Stats(name)
		if v == nil {
			v = []wire.StatsView{}
		}
		reply(w, v, err)
	}
	m.HandleFunc("GET /v1/stats", func(w http.ResponseWriter, r *http.Request) { serve(w, "") })
	m.HandleFunc("GET /v1/stats/{name}", func(w http.ResponseWriter, r *http.Request) { serve(w, r.PathValue("name")) })
}

// Stats returns the monitor statistics of one resource, or of every
// resource when name is "".
func (c *Client) Stats(ctx context.Context, name string) ([]wire.StatsView, error) {
	path := "/v1/stats"
	if name != "" {
		path += "/" + esc(name)
	}
	var v []wire.StatsView
	return v, c.do(ctx, "GET", path, nil, &v)
}
