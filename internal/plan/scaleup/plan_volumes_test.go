package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// A pod whose volume lives in one datacenter gets a node there, whatever the group's order
// of datacenters: a node elsewhere could never run it.
func TestAPodWithABoundVolumeGetsANodeInTheVolumesDatacenter(t *testing.T) {
	pv := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-data", Labels: map[string]string{labelZone: "dc2"}}}
	pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "data"},
		Spec: corev1.PersistentVolumeClaimSpec{VolumeName: pv.Name}}
	p := pod("db-0", "1", "1Gi")
	p.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}}
	runPlanCases(t, []planCase{{
		name: "the volume is in dc2, the group prefers dc1",
		snap: Snapshot{NodeGroups: []*v1alpha1.NodeGroup{withGroup("g", twoDCs, "small")}, Pending: ptrs([]corev1.Pod{p}),
			PersistentVolumeClaims: []*corev1.PersistentVolumeClaim{pvc}, PersistentVolumes: []*corev1.PersistentVolume{pv}},
		want: []placement{{"g", "small", "dc2", 1, ReasonPendingPods, 1}},
	}})
}
