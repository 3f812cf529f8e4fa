package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"

	"github.com/vpsie/vpsie-autoscaler/internal/operator"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var yes = true

// testCatalogue: small (1 CPU, 2 GiB, $10), large (4 CPU, 8 GiB, $40) in dc1.
var testCatalogue = contract.Catalogue{Datacenters: []string{"dc1"}, Offerings: []contract.Offering{
	{ID: "small", CPU: 1, RAMMB: 2048, DiskGB: 20, MonthlyPrice: 10},
	{ID: "large", CPU: 4, RAMMB: 8192, DiskGB: 80, MonthlyPrice: 40},
}}

// result is one run of the command line.
type result struct {
	code        int
	out, errOut string
}

// run runs args against a fake API server holding objs, the test catalogue and no
// Temporal.
func run(t *testing.T, objs []client.Object, args ...string) result {
	t.Helper()
	a, out, errOut := testApp(t, objs)
	code := Run(context.Background(), a, args)
	return result{code: code, out: out.String(), errOut: errOut.String()}
}

func testApp(t *testing.T, objs []client.Object) (*App, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	cat := filepath.Join(dir, "catalogue.json")
	b, _ := json.Marshal(testCatalogue)
	if err := os.WriteFile(cat, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	a := NewApp(strings.NewReader(""), out, errOut)
	a.CatalogueFile, a.TemporalAddress, a.TemporalUI, a.Color = cat, "", "http://ui.example:8233", "never"
	ns := "default"
	a.Kube.Namespace = &ns
	a.Now = func() time.Time { return testNow }
	c := fake.NewClientBuilder().WithScheme(operator.NewScheme()).WithObjects(objs...).Build()
	a.NewClient = func() (client.Client, error) { return c, nil }
	return a, out, errOut
}

func group(name string, minNodes, maxNodes int32, offerings ...string) *v1alpha1.NodeGroup {
	return &v1alpha1.NodeGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name},
		Spec: v1alpha1.NodeGroupSpec{MinNodes: minNodes, MaxNodes: maxNodes, DatacenterID: "dc1", OfferingIDs: offerings,
			OSImageID: "img", KubernetesVersion: "v1.33.0"},
		Status: v1alpha1.NodeGroupStatus{CurrentNodes: 1, DesiredNodes: 1, ReadyNodes: 1},
	}
}

// member is a managed Node of the group with its Ready VPSieNode of the offering.
func member(name, g, offering, cpu, mem string) []client.Object {
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(testNow.Add(-time.Hour)), Labels: map[string]string{
			corev1.LabelHostname: name, v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: g, v1alpha1.LabelVPSieNode: "vn-" + name}},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu),
			corev1.ResourceMemory: resource.MustParse(mem), corev1.ResourcePods: resource.MustParse("110")},
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}},
	}
	vn := &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "vn-" + name, Labels: map[string]string{v1alpha1.LabelManaged: "true"}},
		Spec:       v1alpha1.VPSieNodeSpec{NodeGroup: g, OfferingID: offering, DatacenterID: "dc1", ImageID: "img", Hostname: name},
		Status:     v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady, NodeName: name},
	}
	return []client.Object{n, vn}
}

// booting is a VPSieNode of batch still provisioning: no Node yet.
func booting(name, g, offering, batch string) *v1alpha1.VPSieNode {
	return &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{
			v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: g, v1alpha1.LabelBatch: batch}},
		Spec:   v1alpha1.VPSieNodeSpec{NodeGroup: g, OfferingID: offering, DatacenterID: "dc1", ImageID: "img", Hostname: name},
		Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseProvisioning},
	}
}

// phaseless is vn as its ScaleUp run creates it, before any phase is written.
func phaseless(vn *v1alpha1.VPSieNode) *v1alpha1.VPSieNode {
	vn.Status.Phase = ""
	return vn
}

// pending is a ReplicaSet's pod the scheduler found no node for.
func pending(name, cpu, mem string) *corev1.Pod {
	p := running(name, "", cpu, mem)
	p.Status = corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled,
		Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: "0/1 nodes are available"}}}
	return p
}

// running is a ReplicaSet's pod bound to node.
func running(name, node, cpu, mem string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Labels: map[string]string{"app": name},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs-" + name, UID: "u", Controller: &yes}}},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "i", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
}

func pdb(name, app string, allowed int32) *policyv1.PodDisruptionBudget {
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, Generation: 1},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}, MinAvailable: &one},
		Status:     policyv1.PodDisruptionBudgetStatus{ObservedGeneration: 1, DisruptionsAllowed: allowed},
	}
}

func objects(parts ...any) []client.Object {
	var out []client.Object
	for _, p := range parts {
		switch v := p.(type) {
		case client.Object:
			out = append(out, v)
		case []client.Object:
			out = append(out, v...)
		}
	}
	return out
}

func contains(t *testing.T, r result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s\nstderr:\n%s", w, r.out, r.errOut)
		}
	}
}
