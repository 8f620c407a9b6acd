package wire

// DepsView is GET /v1/resources/{name}/deps: what a resource requires and
// what requires it, directly and through others (vigil res dep).
type DepsView struct {
	Name          string   `json:"name"`
	Requires      []string `json:"requires"`
	RequiredBy    []string `json:"required_by"`
	AllRequires   []string `json:"all_requires"`
	AllRequiredBy []string `json:"all_required_by"`
}

// GroupDepsView is GET /v1/groups/{name}/deps: the groups a group requires
// and those requiring it (vigil grp dep).
type GroupDepsView struct {
	Name       string         `json:"name"`
	Requires   []GroupDepView `json:"requires"`
	RequiredBy []GroupDepView `json:"required_by"`
}

// FreezeRequest is the body of POST /v1/groups/{name}/freeze and
// /unfreeze: Persistent sets or clears Frozen (saved in main.cf) rather
// than TFrozen.
type FreezeRequest struct {
	Persistent bool `json:"persistent,omitempty"`
}

// AddResourceRequest is the body of PUT /v1/resources/{name} (vigil res add).
type AddResourceRequest struct {
	Type  string `json:"type"`
	Group string `json:"group"`
}

// LinkRequest is the body of POST /v1/resources/{name}/link and /unlink:
// the resource named in the path requires (or no longer requires) Child.
type LinkRequest struct {
	Child string `json:"child"`
}

// EditRequest is the body of POST /v1/resources/{name}/edit (vigil res
// modify with -add, -update, -delete or --undo-override): Op is "add",
// "update", "delete" or "undo-override"; Values are the words of the
// command line (keys, or key value pairs for associations).
//
// With System, the change is to the value for that system only (vigil res
// modify --sys, main.cf `Attr@sys = value`): Op is "set" (Values are the
// whole value) or "delete" (no Values: the per-system value is removed).
type EditRequest struct {
	Attribute string   `json:"attribute"`
	Op        string   `json:"op"`
	Values    []string `json:"values"`
	System    string   `json:"system,omitempty"`
}
