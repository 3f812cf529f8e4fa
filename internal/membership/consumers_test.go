package membership_test

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/membership"
	"github.com/vpsie/vpsie-autoscaler/internal/membership/membershiptest"
)

// The index's own answers on the shared fixture; each consumer's test checks it counts the same.
func TestIndexAnswersTheFixture(t *testing.T) {
	vns, nodes := membershiptest.VPSieNodes("dc1", "o"), membershiptest.Nodes()
	ix := membership.New(membership.Pointers(vns), membership.Pointers(nodes))
	g := membershiptest.Group
	ready := 0
	withoutNode := 0
	for _, vn := range ix.MembersOf(g) {
		if n := ix.NodeOf(vn); n != nil && n.Status.Conditions[0].Status == "True" {
			ready++
		}
	}
	for _, vn := range ix.InFlightOf(g) {
		if ix.NodeOf(vn) == nil {
			withoutNode++
		}
	}
	got := []int{len(ix.MembersOf(g)), len(ix.InFlightOf(g)), withoutNode, ready, len(ix.LeavingOf(g))}
	want := []int{membershiptest.Members, membershiptest.InFlight, membershiptest.InFlightWithoutNode,
		membershiptest.ReadyMembers, membershiptest.Leaving}
	for i, name := range []string{"members", "in flight", "in flight without a Node", "ready members", "leaving"} {
		if got[i] != want[i] {
			t.Errorf("%s: %d, want %d", name, got[i], want[i])
		}
	}
}
