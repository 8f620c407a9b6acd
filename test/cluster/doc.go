// Package cluster is the three-node test bed of vigil's cluster mode: three
// network namespaces joined by veth pairs to a bridge in a fourth, each
// running the real `vigil agent --cluster` binary with its embedded etcd
// member, driven only through the CLI. Addresses (10.213.0.0/24) exist
// only inside those namespaces; everything is removed when a test ends.
//
// The managed resource of the group is a real process that writes a
// heartbeat with its node's name and CLOCK_MONOTONIC every few
// milliseconds; the overlap checker rebuilds from those files the
// intervals in which each node ran the group and fails on any overlap.
//
// The daemons enter their network namespace with nsenter, which leaves the
// mount namespace (and so the cgroup hierarchy the runner and the fence
// guard work in) as it is; `ip netns exec` would remount /sys.
//
// Scenarios: kill -9 of the owner's daemon (its fence guard kills the
// resources) and, once, of the whole node; a Critical fault, switch,
// frozen systems and a clean stop (the guard is released); a partition of
// the owner; a hung owner (SIGSTOP: the guard kills at the deadline); loss
// of one member and of the quorum.
//
// The tests need root, iproute2 and util-linux and skip, saying why,
// without them.
// `make test` runs each scenario once; `make cluster-test` runs the kill
// and partition scenarios 20 times (VIGIL_CLUSTER_ROUNDS) and prints the
// failover times (p50/p99).
package cluster
