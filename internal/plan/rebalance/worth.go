package rebalance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// worth decides whether a node of g is worth replacing and with what; otherwise it says why
// not.
func (a *analyzer) worth(g *group, en *schedsim.ExistingNode) (candidate, Reason, string) {
	n := en.Node
	vn := a.members.OwnerOf(n.Name)
	switch {
	case n.Labels[v1alpha1.LabelManaged] != "true" || vn == nil:
		return candidate{}, ReasonNotManaged, "the node is not a managed node with a VPSieNode"
	case a.draining[n.Name] || n.DeletionTimestamp != nil || vn.Leaving() ||
		n.Annotations[v1alpha1.AnnotationDrainStatus] == v1alpha1.DrainStatusDraining:
		return candidate{}, ReasonDrainInProgress, "the node is already being drained or deleted"
	case !ready(n):
		return candidate{}, ReasonNodeNotReady, "the node is not Ready"
	}
	rep := Replacement{Node: n.Name, VPSieNode: vn.Name, Datacenter: vn.Spec.DatacenterID, From: vn.Spec.OfferingID}
	cur := a.offerings[rep.From]
	if cur != nil {
		rep.FromPrice = cur.MonthlyPrice
	}
	drift, why := drifted(g.ng, vn, n, a.s.Groups[g.key].BootstrapKubelet)
	if drift == ReasonNone && cur == nil {
		return candidate{}, ReasonUnknownOffering, "the catalogue has no price for offering " + rep.From
	}
	// Without drift only an offering at least the threshold cheaper is worth the disruption.
	limit := rep.FromPrice * (1 - float64(g.policy.threshold)/100)
	var tried []string
	for _, off := range a.allowed(g, rep.Datacenter) {
		if drift == ReasonNone && (off.ID == rep.From || off.MonthlyPrice > limit) {
			continue
		}
		ok, msg := a.fits(g, en, off)
		if !ok {
			tried = append(tried, off.ID+": "+msg)
			continue
		}
		rep.Targets = append(rep.Targets, Target{Offering: off.ID, MonthlyPrice: off.MonthlyPrice})
	}
	if len(rep.Targets) == 0 {
		if drift != ReasonNone {
			return candidate{}, ReasonNoFittingOffering, why + "; no allowed offering fits its pods" + tried1(tried)
		}
		return candidate{}, ReasonNoCheaperFit, fmt.Sprintf("no allowed offering at least %d%% cheaper than %s (%s/month) fits its pods%s%s",
			g.policy.threshold, rep.From, money(rep.FromPrice), tried1(tried),
			kubeletNote(g.ng.Spec.KubernetesVersion, a.s.Groups[g.key].BootstrapKubelet, n.Status.NodeInfo.KubeletVersion))
	}
	rep.MonthlySavings = rep.FromPrice - rep.Targets[0].MonthlyPrice
	rep.Reason, rep.Message = drift, why
	if drift != ReasonNone && rep.MonthlySavings < 0 {
		// Only drift, which the operator asked for by changing the spec, may cost more.
		rep.Message += fmt.Sprintf("; the replacement %s costs %s/month more than %s", rep.Targets[0].Offering,
			money(-rep.MonthlySavings), rep.From)
	}
	if drift == ReasonNone {
		rep.Reason = ReasonCheaperOffering
		rep.Message = fmt.Sprintf("%s (%s/month) fits on %s (%s/month): saves %s/month (%.0f%%)", rep.From,
			money(rep.FromPrice), rep.Targets[0].Offering, money(rep.Targets[0].MonthlyPrice), money(rep.MonthlySavings),
			100*rep.MonthlySavings/rep.FromPrice)
	}
	return candidate{node: n, rep: rep}, ReasonNone, ""
}

func tried1(tried []string) string {
	if len(tried) == 0 {
		return ""
	}
	return " (" + tried[0] + ")"
}

// allowed are the group's offerings that the catalogue sells in dc, cheapest first.
func (a *analyzer) allowed(g *group, dc string) []*schedsim.Offering {
	var out []*schedsim.Offering
	for _, id := range g.ng.Spec.OfferingIDs {
		off := a.offerings[id]
		if off == nil || slices.Contains(out, off) || (len(off.Datacenters) > 0 && !slices.Contains(off.Datacenters, dc)) {
			continue
		}
		out = append(out, off)
	}
	slices.SortFunc(out, func(x, y *schedsim.Offering) int {
		switch {
		case x.MonthlyPrice < y.MonthlyPrice:
			return -1
		case x.MonthlyPrice > y.MonthlyPrice:
			return 1
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out
}

// drifted is the first way the node no longer matches its group's spec, and all of them.
func drifted(ng *v1alpha1.NodeGroup, vn *v1alpha1.VPSieNode, n *corev1.Node, bootstrap string) (Reason, string) {
	var first Reason
	var why []string
	add := func(r Reason, msg string) {
		if first == ReasonNone {
			first = r
		}
		why = append(why, msg)
	}
	if !slices.Contains(ng.Spec.OfferingIDs, vn.Spec.OfferingID) {
		add(ReasonOfferingNotAllowed, "offering "+vn.Spec.OfferingID+" is no longer in spec.offeringIDs")
	}
	if vn.Spec.ImageID != ng.Spec.OSImageID {
		add(ReasonImageChanged, "image "+vn.Spec.ImageID+" is not spec.osImageID "+ng.Spec.OSImageID)
	}
	if kubeletDrifted(ng.Spec.KubernetesVersion, bootstrap, n.Status.NodeInfo.KubeletVersion) {
		add(ReasonKubernetesVersionChanged, "kubelet "+n.Status.NodeInfo.KubeletVersion+" is not spec.kubernetesVersion "+
			ng.Spec.KubernetesVersion+", which the group's user data installs")
	}
	return first, strings.Join(why, "; ")
}

// kubeletDrifted reports a kubelet that differs from spec.kubernetesVersion in a way a
// replacement would fix: the user data installs exactly that version (bootstrap), and the
// node reports a version (not an image's or a simulator's free text) other than it. Only
// what the bootstrap really installs counts: a user data that installs no kubelet, or
// another version, would make a replacement differ the same way, and replacing nodes for it
// would replace them after every cooldown, forever.
func kubeletDrifted(spec, bootstrap, reported string) bool {
	want, ok := version(spec)
	if !ok {
		return false
	}
	if installed, ok := version(bootstrap); !ok || installed != want {
		return false
	}
	got, ok := version(reported)
	return ok && got != want
}

// kubeletNote says why a kubelet that differs from spec.kubernetesVersion is not drift, so
// an operator who changed the version and sees nothing happen learns why; empty otherwise.
func kubeletNote(spec, bootstrap, reported string) string {
	want, okSpec := version(spec)
	got, okNode := version(reported)
	if !okSpec || !okNode || got == want || kubeletDrifted(spec, bootstrap, reported) {
		return ""
	}
	installs := "installs no kubelet"
	if b, ok := version(bootstrap); ok {
		installs = "installs kubelet v" + b
	}
	return "; kubelet " + reported + " differs from spec.kubernetesVersion " + spec + ", but the group's user data " +
		installs + ", so a replacement would differ the same way (not drift)"
}

// version is 1.36.3 of "1.36.3", "v1.36.3", "v1.36.3+k3s1" or "v1.36.3-1.1"; ok is false for
// anything that is not major.minor.patch.
func version(v string) (string, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexAny(v, "+-"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return "", false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 32); err != nil {
			return "", false
		}
	}
	return v, true
}

// fits reports whether every pod of en that a drain moves fits on one new node of off in
// the group: the scale-up planner's simulation with the old node and its replacement alone
// (same labels but for the instance type and hostname, the group's taints, the offering's
// allocatable, the old node's DaemonSet and mirror pods already on it). Placing the pods on a
// node in the same datacenter keeps every spread and anti-affinity relation to other nodes as
// it is.
func (a *analyzer) fits(g *group, en *schedsim.ExistingNode, off *schedsim.Offering) (bool, string) {
	name := en.Node.Name + "~replacement"
	labels := make(map[string]string, len(en.Node.Labels))
	for k, v := range en.Node.Labels {
		labels[k] = v
	}
	labels[corev1.LabelInstanceTypeStable], labels[corev1.LabelHostname] = off.ID, name
	repl := corev1.Node{}
	repl.Name, repl.Labels, repl.Spec.Taints = name, labels, g.ng.Spec.Taints
	repl.Status.Allocatable = a.opts.Simulation.Allocatable(*off)
	var stay []*corev1.Pod
	for _, p := range en.Pods {
		if !schedsim.NeedsNewHome(p) && p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodSucceeded &&
			p.Status.Phase != corev1.PodFailed {
			cp := *p // a shallow copy: p may be the informer cache's own object
			cp.Spec.NodeName = name
			stay = append(stay, &cp)
		}
	}
	sim := schedsim.NewSimulation([]schedsim.ExistingNode{*en, {Node: &repl, Pods: stay}}, a.opts.Simulation)
	if _, r, ok := sim.TryRemove(en.Node.Name); !ok {
		return false, "pod " + r.Pod.String() + " does not fit (" + r.Message + ")"
	}
	return true, ""
}

func ready(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
