package agent

// readyQueues hold the resources with a job to run, in two FIFO queues:
// those whose next job is a monitor, and the others (online, offline,
// clean, actions, ...). Workers take monitors first. A mass online fills
// the NumThreads workers with online entry points; without the priority,
// the periodic monitors of ONLINE resources would queue behind thousands
// of onlines and monitoring would stop for minutes. With it, every worker
// that frees takes a waiting monitor before the next online, as VCS keeps
// its monitor cycles going while resources come online. Per-resource
// serialisation is unchanged: a resource is in at most one queue, by its
// next job.
type readyQueues struct {
	mon, other []*resource
}

// push appends res to the queue of its next job.
func (q *readyQueues) push(res *resource) {
	if len(res.queue) > 0 && res.queue[0].kind == jobMonitor {
		q.mon = append(q.mon, res)
		return
	}
	q.other = append(q.other, res)
}

// pop removes and returns the next resource to work on: a monitor first.
func (q *readyQueues) pop() *resource {
	if len(q.mon) > 0 {
		res := q.mon[0]
		q.mon[0] = nil
		q.mon = q.mon[1:]
		return res
	}
	res := q.other[0]
	q.other[0] = nil
	q.other = q.other[1:]
	return res
}

// len returns the number of resources waiting for a worker.
func (q *readyQueues) len() int { return len(q.mon) + len(q.other) }
