package schedsim

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// withClaim mounts the claim into p.
func withClaim(p corev1.Pod, claim string) corev1.Pod {
	p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: claim, VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}})
	return p
}

// volumesIn are a claim bound to a volume usable only in zone (as node affinity when
// affinity is set, else as the volume's zone label).
func volumesIn(claim, zone string, affinity bool) *Volumes {
	pv := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-" + claim}}
	if affinity {
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: labelZone, Operator: corev1.NodeSelectorOpIn, Values: []string{zone}}}}}}}
	} else {
		pv.Labels = map[string]string{labelZone: zone}
	}
	pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: claim},
		Spec: corev1.PersistentVolumeClaimSpec{VolumeName: pv.Name}}
	return NewVolumes([]*corev1.PersistentVolumeClaim{pvc}, []*corev1.PersistentVolume{pv})
}

func TestABoundVolumeHoldsItsPodToItsZone(t *testing.T) {
	for _, tt := range []struct {
		name    string
		vols    *Volumes
		zone    string
		fits    bool
		wantWhy Reason
	}{
		{"a volume's node affinity: its zone", volumesIn("data", "dc1", true), "dc1", true, ReasonNone},
		{"a volume's node affinity: another zone", volumesIn("data", "dc1", true), "dc2", false, ReasonVolumeNodeAffinity},
		{"a volume's zone label: another zone", volumesIn("data", "dc1", false), "dc2", false, ReasonVolumeNodeAffinity},
		{"a zone label listing two zones", volumesIn("data", "dc1__dc2", false), "dc2", true, ReasonNone},
		{"an unknown claim constrains nothing", volumesIn("other", "dc1", true), "dc2", true, ReasonNone},
		{"no volume knowledge constrains nothing", nil, "dc2", true, ReasonNone},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := withClaim(pod("db-0", "1", "1Gi"), "data")
			f := StaticFit(NewPodInfo(&p, tt.vols), simNodeWith("n", zone(tt.zone)))
			if f.OK() != tt.fits || f.Reason != tt.wantWhy {
				t.Fatalf("fit = %v (%s: %s), want %v", f.OK(), f.Reason, f.Message, tt.fits)
			}
		})
	}
}

// Scale-down's fits-elsewhere check: a pod bound to a dc1 volume moves only to a dc1 node.
func TestAMovingPodStaysWhereItsVolumeIs(t *testing.T) {
	opts := DefaultOptions()
	opts.Volumes = volumesIn("data", "dc1", true)
	nodes := []ExistingNode{
		node("a", "4", "8Gi", zone("dc1"), withClaim(pod("db-0", "1", "1Gi"), "data")),
		node("b", "4", "8Gi", zone("dc2")),
	}
	if _, refused, ok := NewSimulation(nodes, opts).TryRemove("a"); ok || refused.Reason != ReasonVolumeNodeAffinity {
		t.Fatalf("only a dc2 node left: ok %v, refused %+v; want VolumeNodeAffinity", ok, refused)
	}
	nodes = append(nodes, node("c", "4", "8Gi", zone("dc1")))
	moves, _, ok := NewSimulation(nodes, opts).TryRemove("a")
	if want := []Placement{{Pod: key("db-0"), Node: "c"}}; !ok || !reflect.DeepEqual(moves, want) {
		t.Fatalf("with a dc1 node: %v %v, want %v", moves, ok, want)
	}
}
