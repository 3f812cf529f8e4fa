package vpsiesim

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Node bookkeeping: the kwok annotation makes kwok play the Node's kubelet (its lease, its pods, keeping it Ready);
// kwok starts managing a Node only when it first sees it, so the Node carries it from registration. The
// kubelet-starting annotation keeps kwok's node-initialize stage (hack/local-cluster/up.sh) from making the Node
// Ready before the simulated kubelet does. The registered annotation marks Nodes this simulator owns so it never
// touches anyone else's, and the VM annotation names the VM whose kubelet registered it (a Node has a provider ID
// only when its user data gives --provider-id).
const (
	AnnotationKwok            = "kwok.x-k8s.io/node"
	AnnotationKubeletStarting = "vpsie-sim.vpsie.com/kubelet-starting"
	AnnotationRegistered      = "vpsie-sim.vpsie.com/registered"
	AnnotationVM              = "vpsie-sim.vpsie.com/vm"
	ProviderIDPrefix          = "vpsie://"
	maxPodsPerNode            = 110
)

// What a kubelet's Node shows before it is Ready, as a kubelet whose CNI is not up yet writes it.
const (
	ReasonKubeletNotReady  = "KubeletNotReady"
	messageKubeletNotReady = "container runtime network not ready: NetworkReady=false " +
		"reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
	ReasonKubeletReady = "KubeletReady"
)

// syncNodes makes the cluster's Nodes follow the VMs: a VM that finished booting registers its Node once (like a
// kubelet, it does not re-create a Node someone deleted), NotReady; Config.Kubelet.ReadyDelay later the Node goes
// Ready and kwok takes it over; a Node whose VM is no longer running is retired: it goes NotReady, or is removed
// with Realism.RemoveNodes (see retireNode). Retiring is level-triggered over every Node this simulator
// registered, so a restart repairs missed ones. A VM whose kubelet refuses its flags never registers: the reason is
// in its VMState.NodeError.
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
	// Every kubelet works on its own: registrations and readiness run side by side, kubeletWorkers at a time (still
	// paced by the client's QPS), as a cluster's kubelets do. One after the other, 200 new VMs took the simulator tens of
	// seconds to register, which the 1000-pod benchmark then measured instead of the autoscaler.
	work, _ := errgroup.WithContext(ctx)
	work.SetLimit(kubeletWorkers)
	for _, n := range list.Items {
		if n.Annotations[AnnotationRegistered] != "true" {
			continue
		}
		vm := nodeVM(&n)
		if owner, kept := plan.keep[n.Name]; !kept || owner != vm {
			s.retireNode(ctx, nodes, &n, plan.removeNodes)
			continue
		}
		if _, starting := n.Annotations[AnnotationKubeletStarting]; starting && plan.ready[vm] {
			work.Go(func() error { s.readyNode(ctx, nodes, &n); return nil })
		}
	}
	for id, r := range plan.register {
		work.Go(func() error { s.register(ctx, nodes, id, r); return nil })
	}
	_ = work.Wait()
}

// kubeletWorkers bounds the simulated kubelets registering or turning Ready at once.
const kubeletWorkers = 16

// register runs VM id's kubelet start: its join, then its Node's registration.
func (s *Simulator) register(ctx context.Context, nodes typedcorev1.NodeInterface, id int64, r registration) {
	if r.err != nil {
		s.markNodeError(id, r.err)
		s.log.Warn("kubelet refused to start: the vm runs, no node registers", "vm", id, "err", r.err)
		return
	}
	if err := s.join(ctx, id, r); err != nil {
		return
	}
	_, err := nodes.Create(ctx, r.node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		s.log.Error("registering node", "node", r.node.Name, "err", err)
		return
	}
	s.markRegistered(id)
	s.log.Info("node registered, not ready yet", "node", r.node.Name, "provider_id", r.node.Spec.ProviderID,
		"kubelet", r.node.Status.NodeInfo.KubeletVersion, "existed", err != nil)
}

// nodeVM is the identifier of the VM whose kubelet registered n.
func nodeVM(n *corev1.Node) string {
	if id := n.Annotations[AnnotationVM]; id != "" {
		return id
	}
	return strings.TrimPrefix(n.Spec.ProviderID, ProviderIDPrefix) // Nodes registered before AnnotationVM
}

// nodePlan is what syncNodes should do.
type nodePlan struct {
	keep        map[string]string      // node name -> identifier of the running VM that owns it
	ready       map[string]bool        // VM identifier -> its registered Node is due to be Ready
	register    map[int64]registration // VM id -> Node to create, or why its kubelet refuses to start
	removeNodes bool                   // Realism.RemoveNodes
}

type registration struct {
	node     *corev1.Node
	userData string
	// worker is set for a managed cluster's worker: VPSie's control plane joins it with
	// credentials of its own, not a token of ours.
	worker bool
	err    error
}

// join runs the VM's `kubeadm join` once its kubelet would start (Config.Kubelet.LenientJoinToken and managed
// workers skip it): a refusal is the VM's NodeError for good, as a real join that failed is not retried; an API
// error is tried again at the next sync.
func (s *Simulator) join(ctx context.Context, id int64, r registration) error {
	if s.cfg.Kubelet.LenientJoinToken || r.worker {
		return nil
	}
	err := checkJoin(ctx, s.cfg.Kube.CoreV1(), r.userData, s.clock.Now())
	switch {
	case errors.Is(err, ErrJoinRefused):
		s.markNodeError(id, err)
		s.log.Warn("kubeadm join refused: the vm runs, no node registers", "vm", id, "err", err)
	case err != nil:
		s.log.Error("checking the join token", "vm", id, "err", err)
	}
	return err
}

// planNodes looks at VMs whose machine runs (running or under interruption notice); with duplicate hostnames the
// oldest VM owns the Node name.
func (s *Simulator) planNodes() nodePlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	plan := nodePlan{keep: map[string]string{}, ready: map[string]bool{}, register: map[int64]registration{},
		removeNodes: s.realism.RemoveNodes}
	for _, id := range s.sortedIDs() {
		vm := s.vms[id]
		if vm.VM.Status != vpsieapi.StatusRunning && vm.VM.Status != vpsieapi.StatusInterrupting {
			continue
		}
		if _, taken := plan.keep[vm.VM.Hostname]; taken {
			continue
		}
		plan.keep[vm.VM.Hostname] = vm.VM.Identifier
		switch {
		case vm.NodeRegistered:
			plan.ready[vm.VM.Identifier] = !now.Before(vm.NodeReadyAt)
		case vm.NodeError == "":
			n, err := buildNode(vm.VM, vm.UserData, s.cfg.Kubelet, now)
			plan.register[id] = registration{node: n, userData: vm.UserData, worker: vm.Worker != nil, err: err}
		}
	}
	return plan
}

func (s *Simulator) markRegistered(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if vm, ok := s.vms[id]; ok {
		vm.NodeRegistered, vm.NodeReadyAt, s.dirty = true, s.clock.Now().Add(s.cfg.Kubelet.ReadyDelay), true
	}
}

func (s *Simulator) markNodeError(id int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if vm, ok := s.vms[id]; ok {
		vm.NodeError, s.dirty = err.Error(), true
	}
}

// buildNode is the Node a booted VM's kubelet registers, or why the kubelet refuses to start: resources from its
// offering, less the reserves its kubelet flags keep; labels, taints, provider ID and kubelet version from its user data (ParseKubelet) plus the kubelet's
// own labels; NotReady, with the not-ready taint and the kubelet-starting annotation, until readyNode. Only opts' Lenient* fields add anything else.
func buildNode(vm vpsieapi.VM, userData string, opts KubeletOptions, now time.Time) (*corev1.Node, error) {
	if err := CheckUserDataFormat(userData); err != nil {
		return nil, err
	}
	k, err := ParseKubelet(userData)
	if errors.Is(err, ErrNoKubelet) && opts.LenientKubeletVersion != "" {
		k.Version, err = opts.LenientKubeletVersion, nil
	}
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	if opts.LenientVMLabels {
		labels = vmLabels(vm)
	}
	maps.Copy(labels, nodelabels.Kubelet(vm.Hostname))
	maps.Copy(labels, k.Labels)
	if k.ProviderID == "" && opts.LenientProviderID {
		k.ProviderID = ProviderIDPrefix + vm.Identifier
	}
	taints := append(k.Taints, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule})
	resources := corev1.ResourceList{
		corev1.ResourceCPU:              *resource.NewQuantity(int64(vm.CPU), resource.DecimalSI),
		corev1.ResourceMemory:           *resource.NewQuantity(int64(vm.RAM)<<20, resource.BinarySI),
		corev1.ResourceEphemeralStorage: *resource.NewQuantity(int64(vm.SSD)<<30, resource.BinarySI),
		corev1.ResourcePods:             *resource.NewQuantity(k.Reserves.MaxPods, resource.DecimalSI),
	}
	t := metav1.NewTime(now)
	condition := func(c corev1.NodeConditionType, status corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: c, Status: status, Reason: reason, Message: msg, LastHeartbeatTime: t,
			LastTransitionTime: t}
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:   vm.Hostname,
			Labels: labels,
			Annotations: map[string]string{AnnotationRegistered: "true", AnnotationVM: vm.Identifier,
				AnnotationKwok: "fake", AnnotationKubeletStarting: "true"},
		},
		Spec: corev1.NodeSpec{ProviderID: k.ProviderID, Taints: taints},
		Status: corev1.NodeStatus{
			Capacity: resources, Allocatable: k.Reserves.allocatable(resources), Phase: corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{
				condition(corev1.NodeReady, corev1.ConditionFalse, ReasonKubeletNotReady, messageKubeletNotReady),
				condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", ""),
				condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", ""),
				condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", ""),
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: vm.DefaultIP},
				{Type: corev1.NodeHostName, Address: vm.Hostname},
			},
			NodeInfo: corev1.NodeSystemInfo{Architecture: "amd64", OperatingSystem: "linux",
				KubeletVersion: k.Version, OSImage: vm.OSName + " " + vm.OSVersion},
		},
	}, nil
}

// readyNode makes a registered Node Ready, as its kubelet does once its CNI is up: the Ready condition goes True,
// the not-ready taints go (the node lifecycle controller removes them on a real cluster) and so does the
// kubelet-starting annotation, after which kwok keeps the Node Ready. A conflict is retried at the next sync.
func (s *Simulator) readyNode(ctx context.Context, nodes typedcorev1.NodeInterface, n *corev1.Node) {
	now := metav1.NewTime(s.clock.Now())
	n = n.DeepCopy()
	setCondition(n, corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue,
		Reason: ReasonKubeletReady, Message: "kubelet is posting ready status", LastHeartbeatTime: now,
		LastTransitionTime: now})
	updated, err := nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{})
	if err != nil {
		s.log.Info("making node ready; retrying at the next sync", "node", n.Name, "err", err)
		return
	}
	n = updated.DeepCopy()
	n.Spec.Taints = slices.DeleteFunc(n.Spec.Taints, func(t corev1.Taint) bool { return t.Key == corev1.TaintNodeNotReady })
	delete(n.Annotations, AnnotationKubeletStarting)
	if _, err := nodes.Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		s.log.Info("removing a ready node's not-ready taint; retrying at the next sync", "node", n.Name, "err", err)
		return
	}
	s.log.Info("node ready", "node", n.Name)
}

// setCondition replaces n's condition of c's type (keeping its transition time when the status stays) or adds c.
func setCondition(n *corev1.Node, c corev1.NodeCondition) {
	for i, old := range n.Status.Conditions {
		if old.Type == c.Type {
			if old.Status == c.Status {
				c.LastTransitionTime = old.LastTransitionTime
			}
			n.Status.Conditions[i] = c
			return
		}
	}
	n.Status.Conditions = append(n.Status.Conditions, c)
}

// vmLabels is KubeletOptions.LenientVMLabels: "key=value" tags that are valid label pairs, then the VM's zone,
// region and instance type. A real kubelet sets none of them on its own.
func vmLabels(vm vpsieapi.VM) map[string]string {
	labels := map[string]string{}
	for _, tag := range vm.Tags {
		k, v, found := strings.Cut(tag, "=")
		if found && len(validation.IsQualifiedName(k)) == 0 && len(validation.IsValidLabelValue(v)) == 0 {
			labels[k] = v
		}
	}
	labels[corev1.LabelInstanceTypeStable] = vm.OfferingID
	labels[corev1.LabelTopologyZone] = vm.DCIdentifier
	labels[corev1.LabelTopologyRegion] = vm.DCIdentifier
	return labels
}
