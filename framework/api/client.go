package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// Client talks to the daemon over its Unix socket.
type Client struct {
	socket string
	hc     *http.Client
}

// DialTimeout bounds the connection to the daemon's socket.
const DialTimeout = 10 * time.Second

// ReadTimeout bounds a read request (status, list, display, ...) whose
// context has no deadline of its own.
const ReadTimeout = 60 * time.Second

// NewClient returns a client for the socket at path.
func NewClient(path string) *Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		d := net.Dialer{Timeout: DialTimeout} // a daemon whose backlog is full must not hang the CLI
		return d.DialContext(ctx, "unix", path)
	}, IdleConnTimeout: 10 * time.Second}
	return &Client{socket: path, hc: &http.Client{Transport: tr}}
}

// Error is an error answer of the daemon.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// do sends a request and decodes a JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	if _, has := ctx.Deadline(); !has && method == http.MethodGet {
		// A read is answered at once by a healthy daemon; one that does not
		// answer must not hang the CLI.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, ReadTimeout,
			fmt.Errorf("the daemon did not answer %s within %s", path, ReadTimeout))
		defer cancel()
	}
	resp, err := c.send(ctx, method, path, in)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode answer of %s %s: %w", method, path, err)
	}
	return nil
}

func (c *Client) send(ctx context.Context, method, path string, in any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://vigil"+path, body)
	if err != nil {
		return nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot reach the vigil daemon at %s: %w", c.socket, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		var er wire.ErrorReply
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if json.Unmarshal(b, &er) != nil || er.Error == "" {
			er.Error = fmt.Sprintf("%s %s: %s", method, path, resp.Status)
		}
		return nil, &Error{Status: resp.StatusCode, Message: er.Error}
	}
	return resp, nil
}

func esc(s string) string { return url.PathEscape(s) }

// Status returns the summary of groups and resources.
func (c *Client) Status(ctx context.Context) (wire.StatusView, error) {
	var v wire.StatusView
	return v, c.do(ctx, "GET", "/v1/status", nil, &v)
}

// Resources lists resources.
func (c *Client) Resources(ctx context.Context) ([]wire.ResourceView, error) {
	var v []wire.ResourceView
	return v, c.do(ctx, "GET", "/v1/resources", nil, &v)
}

// Resource returns one resource with its attributes.
func (c *Client) Resource(ctx context.Context, name string) (wire.ResourceView, error) {
	var v wire.ResourceView
	return v, c.do(ctx, "GET", "/v1/resources/"+esc(name), nil, &v)
}

// State returns a resource's state.
func (c *Client) State(ctx context.Context, name string) (wire.StateReply, error) {
	var v wire.StateReply
	return v, c.do(ctx, "GET", "/v1/resources/"+esc(name)+"/state", nil, &v)
}

// Value returns an attribute's resolved value.
func (c *Client) Value(ctx context.Context, res, attr string) (wire.AttrView, error) {
	var v wire.AttrView
	return v, c.do(ctx, "GET", "/v1/resources/"+esc(res)+"/attrs/"+esc(attr), nil, &v)
}

// ResourceOp runs online, offline, probe, clear or refreshinfo on a resource.
func (c *Client) ResourceOp(ctx context.Context, name, verb string, op wire.OpRequest) error {
	return c.do(ctx, "POST", "/v1/resources/"+esc(name)+"/"+esc(verb), op, nil)
}

// Action runs an action entry point.
func (c *Client) Action(ctx context.Context, name string, a wire.ActionRequest) (wire.ActionReply, error) {
	var v wire.ActionReply
	return v, c.do(ctx, "POST", "/v1/resources/"+esc(name)+"/action", a, &v)
}

// Modify sets an attribute of a resource.
func (c *Client) Modify(ctx context.Context, name string, m wire.ModifyRequest) error {
	return c.do(ctx, "POST", "/v1/resources/"+esc(name)+"/modify", m, nil)
}

// Groups lists groups.
func (c *Client) Groups(ctx context.Context) ([]wire.GroupView, error) {
	var v []wire.GroupView
	return v, c.do(ctx, "GET", "/v1/groups", nil, &v)
}

// Group returns one group.
func (c *Client) Group(ctx context.Context, name string) (wire.GroupView, error) {
	var v wire.GroupView
	return v, c.do(ctx, "GET", "/v1/groups/"+esc(name), nil, &v)
}

// GroupOp brings a group online or takes it offline.
func (c *Client) GroupOp(ctx context.Context, name, verb string, op wire.OpRequest) error {
	return c.do(ctx, "POST", "/v1/groups/"+esc(name)+"/"+esc(verb), op, nil)
}

// Types lists types.
func (c *Client) Types(ctx context.Context) ([]wire.TypeView, error) {
	var v []wire.TypeView
	return v, c.do(ctx, "GET", "/v1/types", nil, &v)
}

// Type returns one type with its static attributes.
func (c *Client) Type(ctx context.Context, name string) (wire.TypeView, error) {
	var v wire.TypeView
	return v, c.do(ctx, "GET", "/v1/types/"+esc(name), nil, &v)
}

// IMF lists registered IMF watches.
func (c *Client) IMF(ctx context.Context) ([]wire.IMFWatch, error) {
	var v []wire.IMFWatch
	return v, c.do(ctx, "GET", "/v1/imf", nil, &v)
}

// Events calls fn for the last n events and, with follow, for every new
// one until ctx is done, fn returns an error or the daemon ends the stream.
func (c *Client) Events(ctx context.Context, n int, follow bool, fn func(wire.Event) error) error {
	q := url.Values{"n": {strconv.Itoa(n)}}
	if follow {
		q.Set("follow", "1")
	}
	resp, err := c.send(ctx, "GET", "/v1/events?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e wire.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("decode event: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("event stream: %w", err)
	}
	return nil
}
