package scaleup

// room is why the planner may not add one more node of t, if anything stops it: the group's
// maxNodes (members and planned nodes together), the datacenter's own cap, or the quota.
func (pl *planner) room(t *template) failure {
	g, spec := t.group, &t.group.ng.Spec
	if g.size() >= spec.MaxNodes {
		return fail(ReasonMaxNodesReached, "at maxNodes "+itoa(int64(spec.MaxNodes))+
			" ("+itoa(int64(g.members))+" existing, "+itoa(int64(g.planned))+" planned)")
	}
	for _, dc := range g.dcs {
		if dc.ID == t.dc && dc.MaxNodes > 0 && g.dcMembers[t.dc]+g.dcPlanned[t.dc] >= dc.MaxNodes {
			return fail(ReasonMaxNodesReached, "datacenter "+t.dc+" at its maxNodes "+itoa(int64(dc.MaxNodes)))
		}
	}
	for _, key := range quotaKeys(t.dc) {
		if q, limited := pl.quota[key]; limited && (q.VMs < 1 || q.VCPUs < vcpus(t.offering)) {
			return fail(ReasonQuotaExhausted, "VPSie quota "+quotaScope(key)+" has "+itoa(int64(q.VMs))+" VMs and "+
				itoa(int64(q.VCPUs))+" vCPUs left, "+t.offering.ID+" needs 1 and "+itoa(int64(vcpus(t.offering))))
		}
	}
	return failure{}
}

// take books one node of t against the group's size and the quota.
func (pl *planner) take(t *template) {
	t.group.planned++
	t.group.dcPlanned[t.dc]++
	pl.spend(t.dc, 1, vcpus(t.offering))
}

// swap books replacing a planned node of from by one of to (same group and datacenter).
func (pl *planner) swap(from, to *template) {
	pl.spend(to.dc, 0, vcpus(to.offering)-vcpus(from.offering))
}

func (pl *planner) spend(dc string, vms, vcpus int32) {
	for _, key := range quotaKeys(dc) {
		if q, limited := pl.quota[key]; limited {
			pl.quota[key] = Quota{VMs: q.VMs - vms, VCPUs: q.VCPUs - vcpus}
		}
	}
}

// quotaAllowsSwap reports whether the quota can pay for moving a node from one template to
// another; a smaller node only gives vCPUs back.
func (pl *planner) quotaAllowsSwap(from, to *template) bool {
	for _, key := range quotaKeys(to.dc) {
		if q, limited := pl.quota[key]; limited && q.VCPUs < vcpus(to.offering)-vcpus(from.offering) {
			return false
		}
	}
	return true
}

// quotaKeys are the quotas a node in dc spends: its datacenter's and the account's.
func quotaKeys(dc string) []string { return []string{dc, AccountQuota} }

func quotaScope(key string) string {
	if key == AccountQuota {
		return "of the account"
	}
	return "in " + key
}
