// Package bench holds the IMF benchmarks behind docs/performance.md
// (make bench): kill to state change and to ONLINE again through a real
// agent with IMF against the same agent polling, mount change to event,
// and the CPU and memory of the process plugin with many registered
// resources; and the agent-level lost-events test (ENOBUFS -> rescan ->
// every state right), which needs the same real-agent rig. It has no
// library code.
package bench
