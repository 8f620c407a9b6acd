package api

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-ha/vigil/framework/api/wire"
	"github.com/vigil-ha/vigil/framework/engine"
	"github.com/vigil-ha/vigil/framework/events"
)

type fakeCluster struct {
	placed  []wire.PlaceRequest
	offline []string
	frozen  []string
}

func (f *fakeCluster) FreezeSystem(_ context.Context, sys string, on bool) error {
	if sys != "B" {
		return errors.Join(engine.ErrNotFound, errors.New(`system "`+sys+`" is neither declared nor a member`))
	}
	f.frozen = append(f.frozen, map[bool]string{true: "freeze ", false: "unfreeze "}[on]+sys)
	return nil
}

func (f *fakeCluster) Cluster(context.Context) (wire.ClusterView, error) {
	return wire.ClusterView{System: "A", Live: true, Systems: []wire.SystemView{{Name: "A", State: "RUNNING"}}}, nil
}

func (f *fakeCluster) PlaceGroup(_ context.Context, g string, req wire.PlaceRequest) error {
	if g != "web" {
		return errors.Join(engine.ErrNotFound, errors.New(`group "`+g+`" not found`))
	}
	f.placed = append(f.placed, req)
	return nil
}

func (f *fakeCluster) OfflineGroupAny(_ context.Context, g string, wait bool) error {
	if g != "web" {
		return errors.Join(engine.ErrNotFound, errors.New(`group "`+g+`" not found`))
	}
	f.offline = append(f.offline, g)
	return nil
}

func serveCluster(t *testing.T, c ClusterBackend) *Client {
	sock := filepath.Join(t.TempDir(), "s.sock")
	l, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		NewServer(ServerOptions{Backend: &fakeBackend{}, Bus: events.NewBus(10, nil), AllowUID: os.Getuid(), Cluster: c}).Serve(ctx, l)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return NewClient(sock)
}

func TestClusterRoutes(t *testing.T) {
	ctx := context.Background()
	t.Run("single-node", func(t *testing.T) {
		c := serveCluster(t, nil)
		_, err := c.Cluster(ctx)
		var ae *Error
		if !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
			t.Fatalf("GET /v1/cluster single-node: %v", err)
		}
	})
	t.Run("cluster", func(t *testing.T) {
		fc := &fakeCluster{}
		c := serveCluster(t, fc)
		v, err := c.Cluster(ctx)
		if err != nil || v.System != "A" || len(v.Systems) != 1 {
			t.Fatalf("cluster view %+v, %v", v, err)
		}
		if err := c.PlaceGroup(ctx, "web", wire.PlaceRequest{System: "B", Switch: true}); err != nil {
			t.Fatal(err)
		}
		if len(fc.placed) != 1 || fc.placed[0].System != "B" || !fc.placed[0].Switch {
			t.Fatalf("placed %+v", fc.placed)
		}
		var ae *Error
		if err := c.PlaceGroup(ctx, "nope", wire.PlaceRequest{System: "B"}); !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
			t.Fatalf("unknown group: %v", err)
		}
		if err := c.PlaceGroup(ctx, "web", wire.PlaceRequest{}); !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
			t.Fatalf("no system: %v", err)
		}
		if err := c.OfflineGroupAny(ctx, "web", wire.OpRequest{Wait: true}); err != nil || len(fc.offline) != 1 {
			t.Fatalf("offline --any: %v %v", err, fc.offline)
		}
		if err := c.FreezeSystem(ctx, "B", true); err != nil {
			t.Fatal(err)
		}
		if err := c.FreezeSystem(ctx, "B", false); err != nil {
			t.Fatal(err)
		}
		if len(fc.frozen) != 2 || fc.frozen[0] != "freeze B" || fc.frozen[1] != "unfreeze B" {
			t.Fatalf("frozen %v", fc.frozen)
		}
		if err := c.FreezeSystem(ctx, "Z", true); !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
			t.Fatalf("unknown system: %v", err)
		}
	})
}
