//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// group is a NodeGroup of the e2e namespace ns in ams1 with the given offerings.
func group(ns, name string, offerings ...string) *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 0, MaxNodes: 10, DatacenterID: "ams1", OfferingIDs: offerings, OSImageID: "ubuntu-24.04-x64",
		KubernetesVersion: "v1.36.3", Labels: map[string]string{"workload": name}}}
}

// podShape is one Deployment of a workload.
type podShape struct {
	name, cpu, memory string
	replicas          int32
	selector          map[string]string
	tolerations       []corev1.Toleration
	// zoneSpread, when set, spreads the replicas over zones with maxSkew 1 and at least this many zones.
	zoneSpread int32
	// hostPort, when set, makes every replica take this port on its node.
	hostPort int32
	// with, when set, requires every replica on the node of a pod with label app=with.
	with string
}

func deployment(ns string, s podShape) *appsv1.Deployment {
	labels := map[string]string{"app": s.name}
	spec := corev1.PodSpec{
		NodeSelector: s.selector, Tolerations: s.tolerations,
		Containers: []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse(s.cpu), corev1.ResourceMemory: resource.MustParse(s.memory)}}}}}
	if s.zoneSpread > 0 {
		spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, MinDomains: ptr.To(s.zoneSpread),
			TopologyKey: corev1.LabelTopologyZone, WhenUnsatisfiable: corev1.DoNotSchedule,
			LabelSelector: &metav1.LabelSelector{MatchLabels: labels}}}
	}
	if s.hostPort > 0 {
		spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: s.hostPort, HostPort: s.hostPort}}
	}
	if s.with != "" {
		spec.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: corev1.LabelHostname,
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": s.with}}}}}}
	}
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: s.name}, Spec: appsv1.DeploymentSpec{
		Replicas: ptr.To(s.replicas), Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}}}
}

func namespace(t testing.TB, name string) string {
	t.Helper()
	if err := env.kube.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

func create(t testing.TB, objs ...client.Object) {
	t.Helper()
	for _, o := range objs {
		if err := env.kube.Create(context.Background(), o); err != nil {
			t.Fatalf("creating %T %s: %v", o, o.GetName(), err)
		}
	}
}

// running checks that exactly n pods of ns run.
func running(ns string, n int) error {
	var pods corev1.PodList
	if err := env.kube.List(context.Background(), &pods, client.InNamespace(ns)); err != nil {
		return err
	}
	count := 0
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning {
			count++
		}
	}
	if count != n {
		return fmt.Errorf("%d of %d pods running, want %d", count, len(pods.Items), n)
	}
	return nil
}

func vpsieNodes(t *testing.T, ns string) []v1alpha1.VPSieNode {
	t.Helper()
	var vns v1alpha1.VPSieNodeList
	if err := env.kube.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	return vns.Items
}

// readyMembers checks that the group has exactly n VPSieNodes, all Ready.
func readyMembers(ns, group string, n int) error {
	var vns v1alpha1.VPSieNodeList
	if err := env.kube.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		return err
	}
	members, ready := 0, 0
	for _, vn := range vns.Items {
		if vn.Spec.NodeGroup == group {
			members++
			if vn.Status.Phase == v1alpha1.PhaseReady {
				ready++
			}
		}
	}
	if members != n || ready != n {
		return fmt.Errorf("group %s: %d members, %d ready; want %d ready", group, members, ready, n)
	}
	return nil
}

// hasEvent checks for an event on an object of ns with the reason whose message contains want.
func hasEvent(ns, object, reason, want string) error {
	var evs corev1.EventList
	if err := env.kube.List(context.Background(), &evs, client.InNamespace(ns)); err != nil {
		return err
	}
	var seen []string
	for _, e := range evs.Items {
		if e.InvolvedObject.Name == object && e.Reason == reason {
			if want == "" || contains(e.Message, want) {
				return nil
			}
			seen = append(seen, e.Message)
		}
	}
	return fmt.Errorf("no %s event on %s mentioning %q (saw %q)", reason, object, want, seen)
}

// everyVPSieNodeReady checks that every VPSieNode of ns is Ready.
func everyVPSieNodeReady(ns string) error {
	var vns v1alpha1.VPSieNodeList
	if err := env.kube.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, vn := range vns.Items {
		if vn.Status.Phase != v1alpha1.PhaseReady {
			return fmt.Errorf("%s is %s", vn.Name, vn.Status.Phase)
		}
	}
	return nil
}
