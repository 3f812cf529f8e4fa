package schedsim

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Volumes resolves a pod's PersistentVolumeClaims to where their bound PersistentVolumes can
// be used: the scheduler's VolumeBinding filter (a bound PV's required node affinity) and
// VolumeZone filter (a PV's zone and region labels). A nil *Volumes knows no volume: every
// pod is then free to go anywhere its other predicates allow.
type Volumes struct {
	pvcs map[types.NamespacedName]*corev1.PersistentVolumeClaim
	pvs  map[string]*corev1.PersistentVolume
}

// NewVolumes indexes the cluster's claims and volumes; both are only read.
func NewVolumes(pvcs []*corev1.PersistentVolumeClaim, pvs []*corev1.PersistentVolume) *Volumes {
	v := &Volumes{pvcs: make(map[types.NamespacedName]*corev1.PersistentVolumeClaim, len(pvcs)),
		pvs: make(map[string]*corev1.PersistentVolume, len(pvs))}
	for _, c := range pvcs {
		v.pvcs[types.NamespacedName{Namespace: c.Namespace, Name: c.Name}] = c
	}
	for _, pv := range pvs {
		v.pvs[pv.Name] = pv
	}
	return v
}

// zoneLabels are the PV labels the VolumeZone filter holds a node to; a value may list
// several zones joined by "__".
var zoneLabels = []string{corev1.LabelTopologyZone, corev1.LabelTopologyRegion,
	corev1.LabelFailureDomainBetaZone, corev1.LabelFailureDomainBetaRegion}

// selectors are the node selectors every node that takes p must match: one per bound
// volume constraint. A claim that is missing or unbound constrains nothing here (a volume
// provisioned at first use follows the pod).
func (v *Volumes) selectors(p *corev1.Pod) []corev1.NodeSelector {
	if v == nil {
		return nil
	}
	var out []corev1.NodeSelector
	for _, vol := range p.Spec.Volumes {
		if vol.PersistentVolumeClaim == nil {
			continue
		}
		pvc := v.pvcs[types.NamespacedName{Namespace: p.Namespace, Name: vol.PersistentVolumeClaim.ClaimName}]
		if pvc == nil || pvc.Spec.VolumeName == "" || v.pvs[pvc.Spec.VolumeName] == nil {
			continue
		}
		pv := v.pvs[pvc.Spec.VolumeName]
		if a := pv.Spec.NodeAffinity; a != nil && a.Required != nil {
			out = append(out, *a.Required)
		}
		for _, key := range zoneLabels {
			if value, ok := pv.Labels[key]; ok {
				out = append(out, corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{
					{Key: key, Operator: corev1.NodeSelectorOpIn, Values: strings.Split(value, "__")}}}}})
			}
		}
	}
	return out
}

// volumesAllow holds the node to every volume selector of the pod.
func volumesAllow(p *PodInfo, nodeName string, nodeLabels map[string]string) Failure {
	for i := range p.Volumes {
		terms := p.Volumes[i].NodeSelectorTerms
		if !slices.ContainsFunc(terms, func(t corev1.NodeSelectorTerm) bool { return termMatches(&t, nodeName, nodeLabels) }) {
			return fail(ReasonVolumeNodeAffinity, "a volume of the pod cannot be used on the node (its node affinity or zone)")
		}
	}
	return Failure{}
}
