package vpsiesim

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

const installKubelet = "runcmd:\n  - apt-get install -y 'kubelet=1.36.3-*' 'kubeadm=1.36.3-*'\n"

func TestParseKubeletReadsTheFlagsAndPackageTheUserDataGivesTheKubelet(t *testing.T) {
	defaults := Reserves{EvictionMemory: defaultEvictionMemory.DeepCopy(), MaxPods: maxPodsPerNode}
	cases := []struct {
		name     string
		userData string
		want     Kubelet
		wantErr  string
	}{
		{
			name: "labels, taints and the installed version",
			userData: "#cloud-config\nwrite_files:\n  - path: /etc/default/kubelet\n    content: |\n" +
				"      KUBELET_EXTRA_ARGS=--node-labels=team=a,workload=batch --register-with-taints=dedicated=batch:NoSchedule,gpu:NoExecute\n" +
				installKubelet,
			want: Kubelet{Labels: map[string]string{"team": "a", "workload": "batch"}, Version: "v1.36.3",
				Taints: []corev1.Taint{{Key: "dedicated", Value: "batch", Effect: corev1.TaintEffectNoSchedule},
					{Key: "gpu", Effect: corev1.TaintEffectNoExecute}}, Reserves: defaults},
		},
		{name: "no flags: a bare node", userData: "#cloud-config\n" + installKubelet,
			want: Kubelet{Labels: map[string]string{}, Version: "v1.36.3", Reserves: defaults}},
		{name: "a provider id only from --provider-id", userData: `KUBELET_EXTRA_ARGS="--provider-id=vpsie://42"` + "\ndnf install -y kubelet-1.35.1\n",
			want: Kubelet{Labels: map[string]string{}, ProviderID: "vpsie://42", Version: "v1.35.1", Reserves: defaults}},
		{name: "no kubelet installed", userData: "#cloud-config\nruncmd: [kubeadm join x]\n", wantErr: ErrNoKubelet.Error()},
		{name: "a label the kubelet may not set on its own node", userData: "--node-labels=node-role.kubernetes.io/worker=\n" + installKubelet,
			wantErr: `a kubelet may not set "node-role.kubernetes.io/worker"`},
		{name: "a malformed label", userData: `KUBELET_EXTRA_ARGS="--node-labels=ok=1,bad key=2"` + "\n" + installKubelet,
			wantErr: `invalid label "bad"`},
		{name: "a malformed reserve", userData: "--kube-reserved=cpu\n" + installKubelet, wantErr: `invalid kube-reserved entry "cpu"`},
		{name: "an unknown taint effect", userData: "--register-with-taints=a=b:Sometimes\n" + installKubelet,
			wantErr: `invalid taint "a=b:Sometimes"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKubelet(tc.userData)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// The product's default user data, read by the simulated kubelet, registers a Node with exactly the labels
// internal/nodelabels gives plus the kubelet's own, the group's taints plus the not-ready one, no provider ID, the
// group's Kubernetes version, and NotReady.
func TestDefaultUserDataRegistersTheLabelsTaintsAndVersionTheProductPlans(t *testing.T) {
	join := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "sys", Name: "join"}, Data: map[string][]byte{
		cloudinit.KeyAPIServerEndpoint: []byte("10.0.0.1:6443"), cloudinit.KeyToken: []byte("abcdef.0123456789abcdef"),
		cloudinit.KeyCACertHash: []byte("sha256:00ff")}}
	cfg := config.Default().ScaleUp
	c := fake.NewClientBuilder().WithObjects(join).Build()
	r := &cloudinit.Renderer{Reader: c,
		Join: &cloudinit.StaticSecret{Reader: c, Secret: types.NamespacedName{Namespace: "sys", Name: "join"}}, Reserves: cloudinit.Reserves{
			CPUMillis: cfg.ReservedCPUMillis, MemoryMiB: cfg.ReservedMemoryMiB, EvictionMemoryMiB: cfg.EvictionMemoryMiB,
			MaxPods: cfg.MaxPodsPerNode}}
	groupLabels := map[string]string{"team": "a", "example.com/tier": "gold"}
	taints := []contract.Taint{{Key: "dedicated", Value: "batch", Effect: "NoSchedule"}, {Key: "gpu", Effect: "NoExecute"}}
	tmpl := contract.NodeTemplate{NodeGroup: "pool", KubernetesVersion: "v1.36.3", Labels: groupLabels, Taints: taints}
	place := contract.Placement{OfferingID: "std-2c-4g", DatacenterID: "tor1"}
	userData, err := r.Render(context.Background(), contract.CreateOwnedVPSInput{Hostname: "pool-b1-0",
		OfferingID: place.OfferingID, DatacenterID: place.DatacenterID, Join: &tmpl})
	if err != nil {
		t.Fatal(err)
	}

	k, err := ParseKubelet(userData)
	if err != nil {
		t.Fatalf("the simulated kubelet refuses the default user data: %v\n%s", err, userData)
	}
	want := nodelabels.Node(nodelabels.Group{Name: "pool", Labels: groupLabels}, "std-2c-4g", "tor1", "pool-b1-0")
	if !maps.Equal(k.Labels, want) {
		t.Errorf("--node-labels = %v, want %v", k.Labels, want)
	}
	wantTaints := []corev1.Taint{{Key: "dedicated", Value: "batch", Effect: corev1.TaintEffectNoSchedule},
		{Key: "gpu", Effect: corev1.TaintEffectNoExecute}}
	if !reflect.DeepEqual(k.Taints, wantTaints) || k.Version != "v1.36.3" || k.ProviderID != "" {
		t.Errorf("kubelet = %+v", k)
	}

	vm := vpsieapi.VM{Hostname: "pool-b1-0", Identifier: "abc", OfferingID: "std-2c-4g", DCIdentifier: "tor1",
		Tags: []string{"autoscaler.vpsie.com/cluster=e2e", "zone=x"}, CPU: 2, RAM: 4096, SSD: 80}
	node, err := buildNode(vm, userData, DefaultConfig().Kubelet, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(want, nodelabels.Kubelet("pool-b1-0"))
	if !maps.Equal(node.Labels, want) {
		t.Errorf("node labels = %v, want %v (VM tags never become labels)", node.Labels, want)
	}
	wantTaints = append(wantTaints, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule})
	if !reflect.DeepEqual(node.Spec.Taints, wantTaints) || node.Spec.ProviderID != "" ||
		node.Status.NodeInfo.KubeletVersion != "v1.36.3" || node.Annotations[AnnotationKubeletStarting] != "true" {
		t.Errorf("node = %+v %+v", node.Spec, node.Status.NodeInfo)
	}
	if c := node.Status.Conditions[0]; c.Type != corev1.NodeReady || c.Status != corev1.ConditionFalse ||
		c.Reason != ReasonKubeletNotReady {
		t.Errorf("first condition = %+v, want Ready False %s", c, ReasonKubeletNotReady)
	}
	// What the planner assumes a new node gives pods is what the node reports.
	planned := nodetemplate.Model(cfg).NodeResources(&schedsim.Offering{CPUMilli: 2000, MemoryBytes: 4096 << 20, DiskBytes: 80 << 30})
	alloc := node.Status.Allocatable
	if alloc.Cpu().MilliValue() != planned.CPU || alloc.Memory().Value() != planned.Memory ||
		alloc.StorageEphemeral().Value() != planned.Storage || alloc.Pods().Value() != planned.Pods {
		t.Errorf("allocatable %v, the planner's model %+v", alloc, planned)
	}
}

// A kubelet keeps its reserves from pods: allocatable is capacity less --kube-reserved,
// --system-reserved and the memory eviction threshold (100Mi when none is set), with
// --max-pods pods.
func TestAllocatableIsCapacityLessTheKubeletsReserves(t *testing.T) {
	capacity := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi")}
	for _, tc := range []struct {
		name, flags string
		cpu, mem    string
		pods        int64
	}{
		{"the kubelet's defaults", "", "4", "8092Mi", 110},
		{"the product's default flags", "--kube-reserved=cpu=100m,memory=256Mi --eviction-hard=memory.available<100Mi --max-pods=110", "3900m", "7836Mi", 110},
		{"system-reserved adds up", "--kube-reserved=cpu=100m --system-reserved=cpu=200m,memory=1Gi --eviction-hard=memory.available<200Mi,nodefs.available<10% --max-pods=58", "3700m", "6968Mi", 58},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parseReserves(tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			got := r.allocatable(capacity)
			if got.Cpu().Cmp(resource.MustParse(tc.cpu)) != 0 || got.Memory().Cmp(resource.MustParse(tc.mem)) != 0 || got.Pods().Value() != tc.pods {
				t.Errorf("allocatable = %v, want cpu %s memory %s pods %d", got, tc.cpu, tc.mem, tc.pods)
			}
		})
	}
}

func TestLenientKubeletOptionsAreTheOnlyWayToTheOldLeniency(t *testing.T) {
	vm := vpsieapi.VM{Hostname: "h", Identifier: "abc", OfferingID: "std-2c-4g", DCIdentifier: "tor1",
		Tags: []string{"team=a", "free text"}}
	if _, err := buildNode(vm, "#cloud-config\n", KubeletOptions{}, time.Now()); !errors.Is(err, ErrNoKubelet) {
		t.Fatalf("strict: error = %v, want ErrNoKubelet", err)
	}
	node, err := buildNode(vm, "#cloud-config\n", KubeletOptions{LenientVMLabels: true, LenientProviderID: true,
		LenientKubeletVersion: "v1.30.0"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if node.Labels["team"] != "a" || node.Labels[corev1.LabelTopologyZone] != "tor1" ||
		node.Labels[corev1.LabelInstanceTypeStable] != "std-2c-4g" || node.Spec.ProviderID != "vpsie://abc" ||
		node.Status.NodeInfo.KubeletVersion != "v1.30.0" {
		t.Errorf("lenient node = %v %+v %+v", node.Labels, node.Spec, node.Status.NodeInfo)
	}
}
