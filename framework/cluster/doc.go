// Package cluster runs vigil on several systems over etcd: membership,
// ownership of failover groups with fencing tokens, self-fencing, the
// failover policy, and the embedded etcd member of `vigil agent --cluster`.
//
// It owns what lives in etcd and the decisions taken from it. It does not
// own groups or resources: the engine (framework/engine) brings them online
// and offline; the Controller asks it through the engine's Placement seam.
// It builds no consensus and no heartbeat of its own: leases, transactions
// and watches are etcd's.
//
// # Ownership and fencing
//
//	system A (daemon)                etcd (Raft, 3 members)               system B
//	  Member.Join ── Grant(TTL) ──▶  lease LA
//	               ── put systems/A (lease LA)
//	  Acquire(g) ─── Txn: if create_rev(owners/g) == 0
//	                      then put owners/g = A (lease LA) ──▶ rev R = token
//	  online g, entry points get VCSAG_FENCING_TOKEN=R
//	  every TTL/6: KeepAliveOnce(LA) ─▶ lease valid until (send time + TTL)
//	                                                                   Acquire(g) fails:
//	                                                                   owners/g exists
//	  ✗ A is cut off / killed: no renewal
//	  A: at validUntil − TTL/3 − TTL/10: fence,
//	     offline; after half the window: clean (ForceOffline);
//	     all failover groups offline by validUntil − TTL/10
//	                                 leader expires LA ≥ validUntil:
//	                                 owners/g and systems/A deleted ──▶ watch: B is the next
//	                                                                   system of SystemList;
//	                                                                   Acquire(g) → token R' > R
//
// The timing argument: A measures validUntil from the moment it sent the
// renewal that etcd answered, so etcd's leader, which extends the lease
// when it receives the request, cannot expire it before validUntil (a new
// leader only extends leases further). A starts fencing TTL/3 + TTL/10
// before validUntil and must be done TTL/10 before it; B can acquire only
// after the leader deleted the owner key, so A's groups are offline before
// B starts them, provided the clocks' rates differ by less than the margin
// (TTL/10 over one TTL: 10%, against the ppm drift of real clocks) and the
// groups go offline within the TTL/3 window: each group's offline has the
// first half, and a group not offline then is forced (the engine's
// ForceOffline: its agents clean what is not offline) in the second half.
// A group still not offline is logged; the optional watchdog (/dev/watchdog)
// is then no longer fed and resets the machine. A node that cannot reach a
// quorum renews nothing and reads nothing, so it fences and starts nothing:
// loss of quorum stops every failover group (no-quorum-policy=stop), and
// nothing starts again until a quorum returns.
//
// # Keys
//
// See keys.go: systems/, owners/ (under leases), intent/, seen/, faults/,
// targets/, frozen/, gfrozen/ (persistent). The cluster's wish for a group (intent)
// is kept apart from where it runs (owner), so a failover or a switch keeps
// the wish and an administrator's offline clears it.
//
// # Policy (Controller.reconcile)
//
// A group unowned and wanted online goes to the target an administrator
// named, else, the first time, to the first available system of
// AutoStartList, else to the available system of SystemList with the lowest
// priority; available = a live member, not faulted for the group, not
// frozen. A Critical fault marks the group faulted on its system and
// releases it, so it moves to the next system. A frozen group (gfrozen/ or
// Frozen/TFrozen in this system's configuration) is left as it is: not
// started, stopped, switched or failed over; the owner key's transaction
// refuses a frozen group and (except an adoption) a frozen system. Parallel groups are not the
// controller's: the engine keeps them online on every system of their
// SystemList.
package cluster
