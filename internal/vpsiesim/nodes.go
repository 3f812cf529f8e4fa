package vpsiesim

import (
	"context"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Node bookkeeping: the kwok annotation makes kwok keep the Node Ready; the registered annotation marks Nodes this
// simulator owns so it never touches anyone else's.
const (
	AnnotationKwok       = "kwok.x-k8s.io/node"
	AnnotationRegistered = "vpsie-sim.vpsie.com/registered"
	ProviderIDPrefix     = "vpsie://"
	maxPodsPerNode       = 110
)

// syncNodes makes the cluster's Nodes follow the VMs: a VM that finished booting registers its Node once (like a
// kubelet, it does not re-create a Node someone deleted), and a Node whose VM is no longer running is retired:
// it goes NotReady, or is removed with Realism.RemoveNodes (see retireNode). Retiring is level-triggered over
// every Node this simulator registered, so a restart repairs missed ones.
func (s *Simulator) syncNodes(ctx context.Context) {
	if s.cfg.Kube == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	nodes := s.cfg.Kube.CoreV1().Nodes()
	plan := s.planNodes()
	list, err := nodes.List(ctx, metav1.ListOptions{})
	if err != nil {
		s.log.Error("listing nodes", "err", err)
		return
	}
	for _, n := range list.Items {
		if n.Annotations[AnnotationRegistered] != "true" || plan.keep[n.Name] == n.Spec.ProviderID {
			continue
		}
		s.retireNode(ctx, nodes, &n, plan.removeNodes)
	}
	for id, n := range plan.register {
		_, err := nodes.Create(ctx, n, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			s.log.Error("registering node", "node", n.Name, "err", err)
			continue
		}
		s.markRegistered(id)
		s.log.Info("node registered", "node", n.Name, "provider_id", n.Spec.ProviderID, "existed", err != nil)
	}
}

// nodePlan is what syncNodes should do.
type nodePlan struct {
	keep        map[string]string      // node name -> provider ID of the running VM that owns it
	register    map[int64]*corev1.Node // VM id -> Node to create
	removeNodes bool                   // Realism.RemoveNodes
}

// planNodes looks at VMs whose machine runs (running or under interruption notice); with duplicate hostnames the
// oldest VM owns the Node name.
func (s *Simulator) planNodes() nodePlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	plan := nodePlan{keep: map[string]string{}, register: map[int64]*corev1.Node{}, removeNodes: s.realism.RemoveNodes}
	for _, id := range s.sortedIDs() {
		vm := s.vms[id]
		if vm.VM.Status != vpsieapi.StatusRunning && vm.VM.Status != vpsieapi.StatusInterrupting {
			continue
		}
		if _, taken := plan.keep[vm.VM.Hostname]; taken {
			continue
		}
		plan.keep[vm.VM.Hostname] = ProviderIDPrefix + vm.VM.Identifier
		if !vm.NodeRegistered {
			plan.register[id] = buildNode(vm.VM, vm.UserData)
		}
	}
	return plan
}

func (s *Simulator) markRegistered(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if vm, ok := s.vms[id]; ok {
		vm.NodeRegistered, s.dirty = true, true
	}
}

// buildNode is the Node a booted VM registers: resources from its offering, labels from
// its tags, and the labels and taints its cloud-init gives the kubelet.
func buildNode(vm vpsieapi.VM, userData string) *corev1.Node {
	kubeletLabels, taints := kubeletRegistration(userData)
	labels := nodeLabels(vm)
	for k, v := range kubeletLabels {
		if _, standard := labels[k]; !standard {
			labels[k] = v
		}
	}
	resources := corev1.ResourceList{
		corev1.ResourceCPU:              *resource.NewQuantity(int64(vm.CPU), resource.DecimalSI),
		corev1.ResourceMemory:           *resource.NewQuantity(int64(vm.RAM)<<20, resource.BinarySI),
		corev1.ResourceEphemeralStorage: *resource.NewQuantity(int64(vm.SSD)<<30, resource.BinarySI),
		corev1.ResourcePods:             *resource.NewQuantity(maxPodsPerNode, resource.DecimalSI),
	}
	now := metav1.Now()
	condition := func(t corev1.NodeConditionType, status corev1.ConditionStatus, reason string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: status, Reason: reason, LastHeartbeatTime: now,
			LastTransitionTime: now}
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        vm.Hostname,
			Labels:      labels,
			Annotations: map[string]string{AnnotationKwok: "fake", AnnotationRegistered: "true"},
		},
		Spec: corev1.NodeSpec{ProviderID: ProviderIDPrefix + vm.Identifier, Taints: taints},
		Status: corev1.NodeStatus{
			Capacity: resources, Allocatable: resources.DeepCopy(), Phase: corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{
				condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady"),
				condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory"),
				condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure"),
				condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID"),
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: vm.DefaultIP},
				{Type: corev1.NodeHostName, Address: vm.Hostname},
			},
			NodeInfo: corev1.NodeSystemInfo{Architecture: "amd64", OperatingSystem: "linux",
				KubeletVersion: "vpsie-sim", OSImage: vm.OSName + " " + vm.OSVersion},
		},
	}
}

// nodeLabels turns "key=value" tags that are valid label pairs into labels, then adds the standard ones (which
// win over tags).
func nodeLabels(vm vpsieapi.VM) map[string]string {
	labels := map[string]string{}
	for _, tag := range vm.Tags {
		k, v, found := strings.Cut(tag, "=")
		if found && len(validation.IsQualifiedName(k)) == 0 && len(validation.IsValidLabelValue(v)) == 0 {
			labels[k] = v
		}
	}
	labels[corev1.LabelHostname] = vm.Hostname
	labels[corev1.LabelInstanceTypeStable] = vm.OfferingID
	labels[corev1.LabelTopologyZone] = vm.DCIdentifier
	labels[corev1.LabelTopologyRegion] = vm.DCIdentifier
	labels[corev1.LabelOSStable] = "linux"
	labels[corev1.LabelArchStable] = "amd64"
	return labels
}
