package api

import (
	"context"

	"github.com/vigil-ha/vigil/framework/api/wire"
)

// Freeze freezes (or, with on false, unfreezes) a group.
func (c *Client) Freeze(ctx context.Context, group string, on, persistent bool) error {
	verb := map[bool]string{true: "freeze", false: "unfreeze"}[on]
	return c.do(ctx, "POST", "/v1/groups/"+esc(group)+"/"+verb, wire.FreezeRequest{Persistent: persistent}, nil)
}

// GroupAdmin runs enable, disable, flush or clear on a group.
func (c *Client) GroupAdmin(ctx context.Context, group, verb string) error {
	return c.do(ctx, "POST", "/v1/groups/"+esc(group)+"/"+esc(verb), nil, nil)
}

// GroupDeps returns a group's dependencies in both directions.
func (c *Client) GroupDeps(ctx context.Context, group string) (wire.GroupDepsView, error) {
	var v wire.GroupDepsView
	return v, c.do(ctx, "GET", "/v1/groups/"+esc(group)+"/deps", nil, &v)
}

// AddGroup adds an empty group.
func (c *Client) AddGroup(ctx context.Context, group string) error {
	return c.do(ctx, "PUT", "/v1/groups/"+esc(group), nil, nil)
}

// DeleteGroup deletes an empty group.
func (c *Client) DeleteGroup(ctx context.Context, group string) error {
	return c.do(ctx, "DELETE", "/v1/groups/"+esc(group), nil, nil)
}

// ResourceDeps returns a resource's dependencies in both directions.
func (c *Client) ResourceDeps(ctx context.Context, res string) (wire.DepsView, error) {
	var v wire.DepsView
	return v, c.do(ctx, "GET", "/v1/resources/"+esc(res)+"/deps", nil, &v)
}

// AddResource adds a resource of a type to a group (Enabled = 0).
func (c *Client) AddResource(ctx context.Context, res, typ, group string) error {
	return c.do(ctx, "PUT", "/v1/resources/"+esc(res), wire.AddResourceRequest{Type: typ, Group: group}, nil)
}

// DeleteResource deletes a resource.
func (c *Client) DeleteResource(ctx context.Context, res string) error {
	return c.do(ctx, "DELETE", "/v1/resources/"+esc(res), nil, nil)
}

// Link makes parent require child (or, with on false, no longer require).
func (c *Client) Link(ctx context.Context, parent, child string, on bool) error {
	verb := map[bool]string{true: "link", false: "unlink"}[on]
	return c.do(ctx, "POST", "/v1/resources/"+esc(parent)+"/"+verb, wire.LinkRequest{Child: child}, nil)
}

// EditAttr runs vigil res modify with --add, --update, --delete or
// --undo-override.
func (c *Client) EditAttr(ctx context.Context, res string, e wire.EditRequest) error {
	return c.do(ctx, "POST", "/v1/resources/"+esc(res)+"/edit", e, nil)
}

// ModifyType sets the type-level value of a static attribute.
func (c *Client) ModifyType(ctx context.Context, typ string, m wire.ModifyRequest) error {
	return c.do(ctx, "POST", "/v1/types/"+esc(typ)+"/modify", m, nil)
}
