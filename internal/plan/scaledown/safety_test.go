package scaledown

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Each case puts its pods on n1, a node below its thresholds whose pods would fit on n2 (a
// busy node of the same group): only the check under test can keep n1.
func TestEverySafetyCheckKeepsItsNodeAndNamesThePod(t *testing.T) {
	local := corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-local"},
		Spec: corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: "/mnt"}}}}
	network := corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-net"},
		Spec: corev1.PersistentVolumeSpec{PersistentVolumeSource: corev1.PersistentVolumeSource{NFS: &corev1.NFSVolumeSource{Server: "s", Path: "/"}}}}
	claim := func(name, pv string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name}, Spec: corev1.PersistentVolumeClaimSpec{VolumeName: pv}}
	}
	claimVolume := func(name, claim string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}
	}
	web := pod("web", "100m", "128Mi")
	inSystem := pod("dns", "100m", "128Mi")
	inSystem.Namespace = "kube-system"
	bare := pod("bare", "100m", "128Mi")
	bare.OwnerReferences = nil
	systemBudget := pdb("dns", appIs("dns"), 1)
	systemBudget.Namespace = "kube-system"
	stale := pdb("web", appIs("web"), 1)
	stale.Generation = 2
	tests := []struct {
		name    string
		pods    []corev1.Pod
		pdbs    []*policyv1.PodDisruptionBudget
		pvcs    []*corev1.PersistentVolumeClaim
		protect bool
		reason  Reason // ReasonUnderutilized when n1 is drained
		message string // a substring of the verdict's message
		pod     string
	}{
		{name: "a plain ReplicaSet pod lets its node go", pods: []corev1.Pod{web}, reason: ReasonUnderutilized},
		{name: "a node annotated protected stays", pods: []corev1.Pod{web}, protect: true, reason: ReasonProtectedNode,
			message: "node annotated autoscaler.vpsie.com/protected=true"},
		{name: "our do-not-disrupt annotation", pods: []corev1.Pod{annotated(web, v1alpha1.AnnotationDoNotDisrupt, "true")},
			reason: ReasonDoNotDisrupt, message: "pod default/web is annotated autoscaler.vpsie.com/do-not-disrupt=true", pod: "web"},
		{name: "Karpenter's do-not-disrupt annotation", pods: []corev1.Pod{annotated(web, v1alpha1.AnnotationKarpenterDoNotDisrupt, "true")},
			reason: ReasonDoNotDisrupt, message: "karpenter.sh/do-not-disrupt=true", pod: "web"},
		{name: "cluster-autoscaler's safe-to-evict=false", pods: []corev1.Pod{annotated(web, v1alpha1.AnnotationSafeToEvict, "false")},
			reason: ReasonDoNotDisrupt, message: "cluster-autoscaler.kubernetes.io/safe-to-evict=false", pod: "web"},
		{name: "a DaemonSet pod never keeps its node", pods: []corev1.Pod{annotated(daemonPod("agent"), v1alpha1.AnnotationDoNotDisrupt, "true"), web},
			reason: ReasonUnderutilized},
		{name: "an emptyDir on disk is local storage",
			pods:   []corev1.Pod{withVolume(web, corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})},
			reason: ReasonLocalStorage, message: "uses local storage: emptyDir volume scratch", pod: "web"},
		{name: "an emptyDir in memory is not",
			pods:   []corev1.Pod{withVolume(web, corev1.Volume{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}})},
			reason: ReasonUnderutilized},
		{name: "a hostPath is local storage",
			pods:   []corev1.Pod{withVolume(web, corev1.Volume{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}})},
			reason: ReasonLocalStorage, message: "hostPath volume logs", pod: "web"},
		{name: "a claim on a local PersistentVolume is local storage", pods: []corev1.Pod{withVolume(web, claimVolume("data", "data-web"))},
			pvcs: []*corev1.PersistentVolumeClaim{claim("data-web", "pv-local")}, reason: ReasonLocalStorage,
			message: "volume data (claim data-web) is on local PersistentVolume pv-local", pod: "web"},
		{name: "a claim on a network PersistentVolume is not", pods: []corev1.Pod{withVolume(web, claimVolume("data", "data-web"))},
			pvcs: []*corev1.PersistentVolumeClaim{claim("data-web", "pv-net")}, reason: ReasonUnderutilized},
		{name: "a generic ephemeral volume on a local PersistentVolume is local storage",
			pods: []corev1.Pod{withVolume(web, corev1.Volume{Name: "cache", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}})},
			pvcs: []*corev1.PersistentVolumeClaim{claim("web-cache", "pv-local")}, reason: ReasonLocalStorage, message: "claim web-cache", pod: "web"},
		{name: "safe-to-evict=true lets a pod with local storage go",
			pods: []corev1.Pod{annotated(withVolume(web, corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}),
				v1alpha1.AnnotationSafeToEvict, "true")},
			reason: ReasonUnderutilized},
		{name: "a kube-system pod that is not a DaemonSet's", pods: []corev1.Pod{inSystem}, reason: ReasonKubeSystemPod,
			message: "pod kube-system/dns runs in kube-system", pod: "dns"},
		{name: "a kube-system pod covered by a PodDisruptionBudget may go", pods: []corev1.Pod{inSystem},
			pdbs: []*policyv1.PodDisruptionBudget{systemBudget}, reason: ReasonUnderutilized},
		{name: "a pod without a controller", pods: []corev1.Pod{bare}, reason: ReasonNoController,
			message: "pod default/bare has no controller to recreate it", pod: "bare"},
		{name: "a PodDisruptionBudget that allows no disruption", pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("web", appIs("web"), 0)}, reason: ReasonPodDisruptionBudget,
			message: "pod default/web would exceed PodDisruptionBudget web: 1 pods of the node need it, 0 disruptions allowed", pod: "web"},
		{name: "a PodDisruptionBudget that allows one", pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("web", appIs("web"), 1)}, reason: ReasonUnderutilized},
		{name: "two pods of one budget that allows one", pods: []corev1.Pod{withApp(pod("a", "100m", "1Mi"), "x"), withApp(pod("b", "100m", "1Mi"), "x")},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("x", appIs("x"), 1)}, reason: ReasonPodDisruptionBudget,
			message: "2 pods of the node need it, 1 disruptions allowed", pod: "b"},
		{name: "a pod under two budgets, which the Eviction API refuses", pods: []corev1.Pod{web},
			pdbs:   []*policyv1.PodDisruptionBudget{pdb("by-app", appIs("web"), 5), pdb("everything", &metav1.LabelSelector{}, 5)},
			reason: ReasonPodDisruptionBudget, message: "covered by 2 PodDisruptionBudgets (by-app, everything)", pod: "web"},
		{name: "a budget's match expressions select like the API server",
			pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("expr", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"web", "api"}}}}, 0)},
			reason: ReasonPodDisruptionBudget, message: "PodDisruptionBudget expr", pod: "web"},
		{name: "a budget whose expressions exclude the pod does not count",
			pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("expr", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"web"}}}}, 0)},
			reason: ReasonUnderutilized},
		{name: "a budget with a null selector covers nothing", pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{pdb("null", nil, 0)}, reason: ReasonUnderutilized},
		{name: "a budget in another namespace does not count", pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{func() *policyv1.PodDisruptionBudget {
				b := pdb("web", appIs("web"), 0)
				b.Namespace = "other"
				return b
			}()},
			reason: ReasonUnderutilized},
		{name: "a budget whose status is older than its spec allows nothing", pods: []corev1.Pod{web},
			pdbs: []*policyv1.PodDisruptionBudget{stale}, reason: ReasonPodDisruptionBudget, pod: "web"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n1 := node("n1", "g", "4", "8Gi", tc.pods...)
			if tc.protect {
				n1.Node.Annotations = map[string]string{v1alpha1.AnnotationProtected: "true"}
			}
			s := snapshot([]*v1alpha1.NodeGroup{nodeGroup("g", 0, 10)}, n1, node("n2", "g", "4", "8Gi", pod("busy", "3", "1Gi")))
			s.Utilization["n2"] = Utilization{Detail: "CPU at 75% (threshold 50%)"}
			s.PDBs, s.PersistentVolumeClaims, s.PersistentVolumes = tc.pdbs, tc.pvcs, []*corev1.PersistentVolume{&local, &network}
			r := Plan(s, DefaultOptions())
			if tc.reason == ReasonUnderutilized {
				if got := drained(r); len(got) != 1 || got[0] != "n1" {
					v, _ := verdictOf(r, "n1")
					t.Fatalf("drained %v, want [n1]; n1 kept: %s %s", got, v.Reason, v.Message)
				}
				return
			}
			v, ok := verdictOf(r, "n1")
			if !ok {
				t.Fatalf("n1 drained, want it kept for %s", tc.reason)
			}
			if v.Reason != tc.reason || !strings.Contains(v.Message, tc.message) || v.Pod.Name != tc.pod || v.NodeGroup != key("g") {
				t.Errorf("verdict %s %q pod %q group %s; want %s containing %q, pod %q", v.Reason, v.Message, v.Pod.Name, v.NodeGroup, tc.reason, tc.message, tc.pod)
			}
			if v.Reason.CheckType() == "" {
				t.Errorf("%s is a safety check with no check_type", v.Reason)
			}
		})
	}
}

func withApp(p corev1.Pod, app string) corev1.Pod {
	p.Labels = map[string]string{"app": app}
	return p
}

// Budgets are shared: pods of two candidates under one budget that allows one disruption
// let only the first candidate go.
func TestABudgetSpentOnOneNodeKeepsTheNext(t *testing.T) {
	a, b := withApp(pod("a", "100m", "1Mi"), "x"), withApp(pod("b", "100m", "1Mi"), "x")
	s := snapshot([]*v1alpha1.NodeGroup{nodeGroup("g", 0, 10)},
		node("n1", "g", "4", "8Gi", a), node("n2", "g", "4", "8Gi", b), node("n3", "g", "8", "16Gi", pod("busy", "6", "1Gi")))
	s.Utilization["n3"] = Utilization{Detail: "busy"}
	s.PDBs = []*policyv1.PodDisruptionBudget{pdb("x", appIs("x"), 1)}
	o := DefaultOptions()
	o.MaxParallelDrains = 3
	r := Plan(s, o)
	if got := drained(r); len(got) != 1 || got[0] != "n1" {
		t.Fatalf("drained %v, want [n1]", got)
	}
	if v, _ := verdictOf(r, "n2"); v.Reason != ReasonPodDisruptionBudget || v.Pod.Name != "b" {
		t.Errorf("n2: %s %q, want PodDisruptionBudget for pod b", v.Reason, v.Message)
	}
}
