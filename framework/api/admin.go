package api

import (
	"fmt"
	"net/http"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/engine"
)

// Admin is the optional part of a Backend that maintains groups and changes
// the configuration's structure (vigil grp freeze, res add, ...); the server
// finds it by type assertion and answers 404 without it.
type Admin interface {
	FreezeGroup(name string, persistent bool) error
	UnfreezeGroup(name string, persistent bool) error
	EnableGroup(name string, on bool) error
	FlushGroup(name string) error
	ClearGroup(name string) error
	GroupDeps(name string) (wire.GroupDepsView, error)
	AddGroup(name string) error
	DeleteGroup(name string) error
	ResourceDeps(name string) (wire.DepsView, error)
	AddResource(name, typ, group string) error
	DeleteResource(name string) error
	Link(parent, child string) error
	Unlink(parent, child string) error
	EditAttr(res, attr, op string, words []string) error
	ModifyType(typ, attr string, words []string) error
	ModifySys(res, attr, sys string, words []string, del bool) error
}

var _ Admin = (*engine.Engine)(nil)

// adminRoutes adds the Admin endpoints; the paths are more specific than
// the generic verb routes, so they take precedence.
func (s *Server) adminRoutes(m *http.ServeMux) {
	admin := func(w http.ResponseWriter) Admin {
		a, ok := s.o.Backend.(Admin)
		if !ok {
			writeError(w, http.StatusNotFound, "this daemon does not change its configuration")
		}
		return a
	}
	for _, verb := range []string{"freeze", "unfreeze"} {
		m.HandleFunc("POST /v1/groups/{name}/"+verb, func(w http.ResponseWriter, r *http.Request) {
			a := admin(w)
			if a == nil {
				return
			}
			var req wire.FreezeRequest
			if err := decode(r, &req); err != nil {
				writeError(w, http.StatusBadRequest, err.Error())
				return
			}
			f := a.FreezeGroup
			if verb == "unfreeze" {
				f = a.UnfreezeGroup
			}
			reply(w, wire.OKReply{OK: true}, f(r.PathValue("name"), req.Persistent))
		})
	}
	groupVerbs := map[string]func(Admin, string) error{
		"enable":  func(a Admin, g string) error { return a.EnableGroup(g, true) },
		"disable": func(a Admin, g string) error { return a.EnableGroup(g, false) },
		"flush":   Admin.FlushGroup,
		"clear":   Admin.ClearGroup,
	}
	for verb, f := range groupVerbs {
		m.HandleFunc("POST /v1/groups/{name}/"+verb, func(w http.ResponseWriter, r *http.Request) {
			if a := admin(w); a != nil {
				reply(w, wire.OKReply{OK: true}, f(a, r.PathValue("name")))
			}
		})
	}
	m.HandleFunc("GET /v1/groups/{name}/deps", func(w http.ResponseWriter, r *http.Request) {
		if a := admin(w); a != nil {
			v, err := a.GroupDeps(r.PathValue("name"))
			reply(w, v, err)
		}
	})
	m.HandleFunc("PUT /v1/groups/{name}", func(w http.ResponseWriter, r *http.Request) {
		if a := admin(w); a != nil {
			reply(w, wire.OKReply{OK: true}, a.AddGroup(r.PathValue("name")))
		}
	})
	m.HandleFunc("DELETE /v1/groups/{name}", func(w http.ResponseWriter, r *http.Request) {
		if a := admin(w); a != nil {
			reply(w, wire.OKReply{OK: true}, a.DeleteGroup(r.PathValue("name")))
		}
	})
	m.HandleFunc("GET /v1/resources/{name}/deps", func(w http.ResponseWriter, r *http.Request) {
		if a := admin(w); a != nil {
			v, err := a.ResourceDeps(r.PathValue("name"))
			reply(w, v, err)
		}
	})
	m.HandleFunc("PUT /v1/resources/{name}", func(w http.ResponseWriter, r *http.Request) {
		a := admin(w)
		if a == nil {
			return
		}
		var req wire.AddResourceRequest
		if err := decode(r, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		if req.Type == "" || req.Group == "" {
			writeError(w, http.StatusBadRequest, "malformed request body: type and group are required")
			return
		}
		reply(w, wire.OKReply{OK: true}, a.AddResource(r.PathValue("name"), req.Type, req.Group))
	})
	m.HandleFunc("DELETE /v1/resources/{name}", func(w http.ResponseWriter, r *http.Request) {
		if a := admin(w); a != nil {
			reply(w, wire.OKReply{OK: true}, a.DeleteResource(r.PathValue("name")))
		}
	})
	m.HandleFunc("POST /v1/resources/{name}/edit", func(w http.ResponseWriter, r *http.Request) {
		a := admin(w)
		if a == nil {
			return
		}
		var req wire.EditRequest
		if err := decode(r, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		if req.Attribute == "" || req.Op == "" {
			writeError(w, http.StatusBadRequest, "malformed request body: attribute and op are required")
			return
		}
		if req.System != "" {
			if req.Op != "set" && req.Op != "delete" {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("malformed request body: op %q with a system (set or delete)", req.Op))
				return
			}
			reply(w, wire.OKReply{OK: true}, a.ModifySys(r.PathValue("name"), req.Attribute, req.System, req.Values, req.Op == "delete"))
			return
		}
		reply(w, wire.OKReply{OK: true}, a.EditAttr(r.PathValue("name"), req.Attribute, req.Op, req.Values))
	})
	m.HandleFunc("POST /v1/types/{name}/modify", func(w http.ResponseWriter, r *http.Request) {
		a := admin(w)
		if a == nil {
			return
		}
		var req wire.ModifyRequest
		if err := decode(r, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		if req.Attribute == "" {
			writeError(w, http.StatusBadRequest, "malformed request body: no attribute given")
			return
		}
		reply(w, wire.OKReply{OK: true}, a.ModifyType(r.PathValue("name"), req.Attribute, req.Values))
	})
	for _, verb := range []string{"link", "unlink"} {
		m.HandleFunc("POST /v1/resources/{name}/"+verb, func(w http.ResponseWriter, r *http.Request) {
			a := admin(w)
			if a == nil {
				return
			}
			var req wire.LinkRequest
			if err := decode(r, &req); err != nil {
				writeError(w, http.StatusBadRequest, err.Error())
				return
			}
			if req.Child == "" {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("malformed request body: %s needs a child", verb))
				return
			}
			f := a.Link
			if verb == "unlink" {
				f = a.Unlink
			}
			reply(w, wire.OKReply{OK: true}, f(r.PathValue("name"), req.Child))
		})
	}
}
