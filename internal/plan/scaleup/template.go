package scaleup

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// template is what a new node of one NodeGroup, offering and datacenter looks like before it
// exists: its labels, taints and what it leaves for pods.
type template struct {
	index    int // position in planner.templates; -1 for an in-flight node's own template
	group    *group
	offering *Offering
	dc       string
	labels   map[string]string
	taints   []corev1.Taint
	alloc    schedsim.Resources // allocatable after reserves and daemonset pods
	proto    *schedsim.Node     // an empty node of the template, for predicates and explanations
	bound    float64            // the lowest score a node of it could reach (see setWorth)
}

func newTemplate(g *group, off *Offering, dc string, opts Options, daemons []*schedsim.PodInfo) *template {
	t := &template{index: -1, group: g, offering: off, dc: dc, labels: templateLabels(g, off, dc), taints: g.ng.Spec.Taints}
	t.proto = &schedsim.Node{Name: triedName, Labels: t.labels, Taints: t.taints, Kind: schedsim.KindPlanned, Index: -1}
	t.alloc = opts.NodeResources(off).Minus(daemonOverhead(t.proto, daemons))
	t.proto.Alloc, t.proto.Free = t.alloc, t.alloc
	return t
}

// templateLabels are exactly the labels a new node of the group registers with: what its
// user data gives the kubelet (nodelabels.Template: the group's labels, then zone, region,
// instance type and the autoscaler's, which win) and what the kubelet sets itself. The
// hostname is the tried node's placeholder until a node is committed.
func templateLabels(g *group, off *Offering, dc string) map[string]string {
	l := nodelabels.Template(nodelabels.Group{Name: g.ng.Name, Labels: g.ng.Spec.Labels}, off.ID, dc)
	for k, v := range nodelabels.Kubelet(triedName) {
		l[k] = v
	}
	return l
}

// daemonOverhead is what the daemonsets whose pods would land on such a node request.
func daemonOverhead(proto *schedsim.Node, daemons []*schedsim.PodInfo) schedsim.Resources {
	var sum schedsim.Resources
	for _, d := range daemons {
		if schedsim.StaticFit(d, proto).OK() {
			sum = sum.Plus(d.Req)
		}
	}
	return sum
}

// node returns a fresh node of the template. A node being tried shares the template's labels,
// which nothing writes; a committed one gets its own copy with its own hostname.
func (t *template) node(name string) *schedsim.Node {
	n := &schedsim.Node{Name: t.proto.Name, Labels: t.labels, Taints: t.taints, Alloc: t.alloc, Free: t.alloc, Kind: schedsim.KindPlanned, Index: -1}
	if name != triedName {
		n.Name, n.Labels = name, cloneLabels(t.labels)
		n.Labels[labelHostname] = name
	}
	return n
}

func (t *template) price() float64 { return t.offering.MonthlyPrice }

func cloneLabels(l map[string]string) map[string]string {
	out := make(map[string]string, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}
