package integration

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/server/temporaltest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/bootstraptoken"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Regenerate with: go test ./test/integration -run TestScaleUp -update-scaleup-history
var updateScaleUpHistory = flag.Bool("update-scaleup-history", false,
	"record a ScaleUp history into workflows/testdata/scaleup_history_v1.json")

const scaleUpHistoryFile = "../../workflows/testdata/scaleup_history_v1.json"

// TestScaleUpGrowsToMinNodesAndForPendingPods runs the operator against a real apiserver,
// Temporal server and simulator that registers each VPS's Node: a NodeGroup grows to
// minNodes with no pods, then a pod the scheduler marked unschedulable gets a bigger
// node, and a pod no offering can hold gets an event naming why, and no VPS.
func TestScaleUpGrowsToMinNodesAndForPendingPods(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	ctx := context.Background()
	sim, api := startJoiningSimulator(t, ns, vpsiesim.DefaultReadyDelay)
	cfg := operatorConfig(t, ns)
	cfg.ScaleUp.NominatePods = true
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	op := startOperatorOn(t, cfg, api, ts.GetFrontendHostPort(), ts.GetDefaultNamespace())
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "grow"}, Spec: v1alpha1.NodeGroupSpec{
		MinNodes: 2, MaxNodes: 4, DatacenterID: "ams1", OfferingIDs: []string{"std-2c-4g", "std-4c-8g"},
		OSImageID: "ubuntu-24.04-x64", KubernetesVersion: "v1.36.3", Labels: map[string]string{"team": "a"}}}
	if err := c.Create(ctx, ng); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cleanUpGroup(t, ns) })

	eventuallyWithin(t, 2*time.Minute, "two ready nodes for minNodes", func() error { return readyMembers(ns, 2) })
	var vns v1alpha1.VPSieNodeList
	if err := c.List(ctx, &vns, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	st := sim.Snapshot()
	for _, vn := range vns.Items {
		var node corev1.Node
		if err := c.Get(ctx, client.ObjectKey{Name: vn.Status.NodeName}, &node); err != nil {
			t.Fatalf("node of %s: %v", vn.Name, err)
		}
		if node.Labels[v1alpha1.LabelManaged] != "true" || node.Labels[v1alpha1.LabelNodeGroup] != "grow" ||
			node.Labels["team"] != "a" || node.Labels[contract.LabelOffering] != "std-2c-4g" {
			t.Errorf("node %s labels = %v", node.Name, node.Labels)
		}
		// The strict kubelet registers without a provider ID (the user data cannot know the
		// VPS's id); the join sets it, once, as a cloud controller would.
		if want := contract.ProviderID(vn.Status.VPSID); vn.Status.VPSID == "" || node.Spec.ProviderID != want {
			t.Errorf("node %s provider id = %q, want %q", node.Name, node.Spec.ProviderID, want)
		}
		if st.Creates(vn.Spec.Hostname) != 1 {
			t.Errorf("%s created %d times", vn.Spec.Hostname, st.Creates(vn.Spec.Hostname))
		}
		// Its own token (named after its VPSieNode's UID), with the endpoint and CA hash of cluster-info.
		wantJoin := "kubeadm join " + strings.TrimSuffix(strings.TrimPrefix(env.Config.Host, "https://"), "/") + " --token " +
			bootstraptoken.ID(string(vn.UID)) + "."
		for _, vm := range st.VMs {
			if vm.VM.Hostname == vn.Spec.Hostname && !strings.Contains(vm.UserData, wantJoin) {
				t.Errorf("user data of %s lacks %q: %q", vn.Name, wantJoin, vm.UserData)
			}
		}
		// Joined: its token is gone.
		err := c.Get(ctx, client.ObjectKey{Namespace: "kube-system", Name: bootstraptoken.SecretName(string(vn.UID))}, &corev1.Secret{})
		if !apierrors.IsNotFound(err) {
			t.Errorf("the bootstrap token of joined node %s: %v, want it deleted", vn.Name, err)
		}
	}

	pending := unschedulablePod(t, ns, "needs-3-cpu", "3")
	eventuallyWithin(t, 2*time.Minute, "a bigger node for the pending pod", func() error {
		if err := readyMembers(ns, 3); err != nil {
			return err
		}
		return hasMemberWithOffering(ns, "std-4c-8g")
	})
	// With scaleUp.nominatePods the pod is nominated to the node bought for it, so kube-scheduler keeps its room there.
	eventually(t, "the pending pod nominated to the node bought for it", func() error {
		return nominatedTo(ns, pending.Name, "std-4c-8g")
	})
	huge := unschedulablePod(t, ns, "needs-64-cpu", "64")
	eventually(t, "an event naming why the huge pod fits nowhere", func() error {
		return hasEvent(ns, huge.Name, "NotTriggerScaleUp", "grow")
	})
	if err := readyMembers(ns, 3); err != nil {
		t.Errorf("the huge pod changed the group: %v", err)
	}
	checkTemporalHistory(ctx, t, op.temporal, contract.ScaleUpWorkflowID(ns, "grow", vns.Items[0].Labels["autoscaler.vpsie.com/batch"]),
		"", *updateScaleUpHistory, scaleUpHistoryFile)
}

// readyMembers checks the group has exactly n VPSieNodes, all Ready.
func readyMembers(ns string, n int) error {
	var vns v1alpha1.VPSieNodeList
	if err := kube.Client.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		return err
	}
	ready := 0
	for _, vn := range vns.Items {
		if vn.Status.Phase == v1alpha1.PhaseReady {
			ready++
		}
	}
	if len(vns.Items) != n || ready != n {
		return fmt.Errorf("%d vpsienodes, %d ready; want %d ready", len(vns.Items), ready, n)
	}
	return nil
}

// nominatedTo checks that pod's status.nominatedNodeName names the group's member of offering.
func nominatedTo(ns, pod, offering string) error {
	var vns v1alpha1.VPSieNodeList
	if err := kube.Client.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		return err
	}
	var p corev1.Pod
	if err := kube.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: pod}, &p); err != nil {
		return err
	}
	for _, vn := range vns.Items {
		if vn.Spec.OfferingID == offering && p.Status.NominatedNodeName == vn.Spec.Hostname {
			return nil
		}
	}
	return fmt.Errorf("pod %s nominated to %q, not to the member of offering %s", pod, p.Status.NominatedNodeName, offering)
}

func hasMemberWithOffering(ns, offering string) error {
	var vns v1alpha1.VPSieNodeList
	if err := kube.Client.List(context.Background(), &vns, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, vn := range vns.Items {
		if vn.Spec.OfferingID == offering {
			return nil
		}
	}
	return fmt.Errorf("no member of offering %s", offering)
}

// unschedulablePod creates a pod asking cpu and marks it as the scheduler would.
func unschedulablePod(t *testing.T, ns, name, cpu string) *corev1.Pod {
	t.Helper()
	return unschedulablePodOf(t, ns, "grow", name, cpu)
}

// unschedulablePodOf is a pending pod the scheduler found no node for, selecting the nodes
// of the NodeGroup named group.
func unschedulablePodOf(t *testing.T, ns, group, name, cpu string) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "c", Image: "busybox", Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}},
		NodeSelector: map[string]string{v1alpha1.LabelNodeGroup: group}}}
	if err := kube.Client.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: "0/3 nodes are available", LastTransitionTime: metav1.Now()}}
	if err := kube.Client.Status().Update(ctx, pod); err != nil {
		t.Fatal(err)
	}
	return pod
}

func hasEvent(ns, object, reason, contains string) error {
	var evs corev1.EventList
	if err := kube.Client.List(context.Background(), &evs, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, e := range evs.Items {
		if e.InvolvedObject.Name == object && e.Reason == reason && strings.Contains(e.Message, contains) {
			return nil
		}
	}
	return fmt.Errorf("no %s event on %s mentioning %q", reason, object, contains)
}

// cleanUpGroup deletes the test's VPSieNodes and Nodes so later tests see none.
// createJoinSecret creates the join Secret scale-up renders user data from.
func createJoinSecret(t *testing.T, ns string) {
	t.Helper()
	join := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "vpsie-join"}, StringData: map[string]string{
		cloudinit.KeyAPIServerEndpoint: "10.0.0.1:6443", cloudinit.KeyToken: "abcdef.0123456789abcdef",
		cloudinit.KeyCACertHash: "sha256:00ff"}}
	if err := kube.Client.Create(context.Background(), join); err != nil {
		t.Fatal(err)
	}
}

func cleanUpGroup(t *testing.T, ns string) {
	ctx := context.Background()
	var vns v1alpha1.VPSieNodeList
	_ = kube.Client.List(ctx, &vns, client.InNamespace(ns))
	for _, vn := range vns.Items {
		_ = kube.Client.Delete(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: vn.Status.NodeName}})
	}
}

// startJoiningSimulator starts a simulator whose VPSs register their Nodes (Ready after
// readyDelay) and creates the join Secret the operator renders user data with in ns.
func startJoiningSimulator(t *testing.T, ns string, readyDelay time.Duration) (*vpsiesim.Simulator, *vpsie.Client) {
	t.Helper()
	simCfg := vpsiesim.DefaultConfig()
	simCfg.BootDelay, simCfg.DeleteDelay, simCfg.TickInterval = 300*time.Millisecond, 300*time.Millisecond, 50*time.Millisecond
	simCfg.ListingLagLookups = 1
	simCfg.Kubelet.ReadyDelay = readyDelay
	simCfg.Kube = kubernetes.NewForConfigOrDie(kube.Config)
	sim, api, _ := startSimulatorWith(t, simCfg)
	createJoinSecret(t, ns)
	return sim, api
}
