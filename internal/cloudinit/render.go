package cloudinit

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/kubeletflags"
	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Keys of the join Secret and of a template ConfigMap.
const (
	KeyAPIServerEndpoint = "apiServerEndpoint"
	KeyToken             = "token"
	KeyCACertHash        = "caCertHash"
	KeyTemplate          = "user-data"
)

// Vars are what a template can use.
type Vars struct {
	NodeName, NodeGroup, KubernetesVersion string
	// KubernetesMinor is the minor of KubernetesVersion as pkgs.k8s.io spells its
	// repositories ("v1.36"); KubernetesPackageVersion is the version without its "v"
	// ("1.36.3"), as the kubelet and kubeadm packages spell it before their revision.
	KubernetesMinor, KubernetesPackageVersion string
	// Offering and Datacenter are the node's placement.
	Offering, Datacenter string
	// Labels are every label the node registers with (internal/nodelabels.Node).
	Labels map[string]string
	Taints []contract.Taint
	// LabelsArg and TaintsArg are Labels and Taints as the kubelet's flags spell them.
	LabelsArg, TaintsArg string
	// ReservesArg are the kubelet flags that keep the planner's reserves out of the node's
	// allocatable (--kube-reserved, --eviction-hard, --max-pods): what the planner assumes
	// of a new node is then what the node gives pods.
	ReservesArg                          string
	APIServerEndpoint, Token, CACertHash string
}

// Renderer reads the join Secret and template ConfigMaps with an uncached reader (the
// autoscaler never caches Secrets).
type Renderer struct {
	Reader     client.Reader
	JoinSecret types.NamespacedName
	// Reserves are what the kubelet keeps from pods: the planner's node model.
	Reserves Reserves
}

// Reserves are the kubelet's reserves and pod limit, as configured for the planner
// (scaleUp.reservedCPUMillis, reservedMemoryMiB, evictionMemoryMiB, maxPodsPerNode).
type Reserves struct {
	CPUMillis, MemoryMiB, EvictionMemoryMiB, MaxPods int
}

// Arg spells the reserves as kubelet flags. A zero eviction threshold is left to the
// kubelet's default (memory.available<100Mi), a zero pod limit to its default of 110.
func (r Reserves) Arg() string {
	var parts []string
	if r.CPUMillis > 0 || r.MemoryMiB > 0 {
		parts = append(parts, fmt.Sprintf("--kube-reserved=cpu=%dm,memory=%dMi", r.CPUMillis, r.MemoryMiB))
	}
	if r.EvictionMemoryMiB > 0 {
		parts = append(parts, fmt.Sprintf("--eviction-hard=memory.available<%dMi", r.EvictionMemoryMiB))
	}
	if r.MaxPods > 0 {
		parts = append(parts, fmt.Sprintf("--max-pods=%d", r.MaxPods))
	}
	return strings.Join(parts, " ")
}

// Render returns the user data of one node, named nodeName (its hostname and its
// VPSieNode's name), placed at p. Errors never carry the token.
func (r *Renderer) Render(ctx context.Context, nodeName string, p contract.Placement, t contract.NodeTemplate) (string, error) {
	text, err := templateText(ctx, r.Reader, t)
	if err != nil {
		return "", err
	}
	v, err := r.vars(ctx, nodeName, p, t)
	if err != nil {
		return "", err
	}
	return execute(text, t, v)
}

// BootstrapKubelet is the kubelet version ("v1.36.3") the group's user data installs, so
// the version a new node of the group reports; "" when it installs none (the image's
// kubelet). It renders the group's template as Render would, with placeholders for the
// join Secret's values (it never reads the Secret) and the node's name and placement.
func BootstrapKubelet(ctx context.Context, reader client.Reader, t contract.NodeTemplate) (string, error) {
	text, err := templateText(ctx, reader, t)
	if err != nil {
		return "", err
	}
	v := baseVars("bootstrap-probe", contract.Placement{}, t)
	v.APIServerEndpoint, v.Token, v.CACertHash = "placeholder:6443", "placeholder", "sha256:placeholder"
	out, err := execute(text, t, v)
	if err != nil {
		return "", err
	}
	return kubeletflags.InstalledKubelet(out), nil
}

// templateText is the group's template: the default, or its ConfigMap's.
func templateText(ctx context.Context, reader client.Reader, t contract.NodeTemplate) (string, error) {
	if t.UserDataTemplate == "" {
		return defaultTemplate, nil
	}
	return readTemplate(ctx, reader, t.UserDataTemplate)
}

func execute(text string, t contract.NodeTemplate, v Vars) (string, error) {
	tmpl, err := template.New("user-data").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", fmt.Errorf("parsing user data template %q: %w", t.UserDataTemplate, err)
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, v); err != nil {
		return "", fmt.Errorf("rendering user data template %q: %w", t.UserDataTemplate, err)
	}
	return out.String(), nil
}

func (r *Renderer) vars(ctx context.Context, nodeName string, p contract.Placement, t contract.NodeTemplate) (Vars, error) {
	s := &corev1.Secret{}
	if err := r.Reader.Get(ctx, r.JoinSecret, s); err != nil {
		return Vars{}, fmt.Errorf("reading join secret %s: %w", r.JoinSecret, err)
	}
	v := baseVars(nodeName, p, t)
	v.APIServerEndpoint, v.Token, v.CACertHash = string(s.Data[KeyAPIServerEndpoint]), string(s.Data[KeyToken]),
		string(s.Data[KeyCACertHash])
	if v.APIServerEndpoint == "" || v.Token == "" || v.CACertHash == "" {
		return Vars{}, fmt.Errorf("join secret %s needs the keys %s, %s and %s", r.JoinSecret, KeyAPIServerEndpoint,
			KeyToken, KeyCACertHash)
	}
	v.ReservesArg = r.Reserves.Arg()
	return v, nil
}

// baseVars are the variables of a node but the join Secret's and the reserves.
func baseVars(nodeName string, p contract.Placement, t contract.NodeTemplate) Vars {
	labels := nodelabels.Node(nodelabels.Group{Name: t.NodeGroup, Labels: t.Labels}, p.OfferingID, p.DatacenterID, nodeName)
	pkg := strings.TrimPrefix(t.KubernetesVersion, "v")
	minor := pkg
	if i := strings.LastIndex(pkg, "."); strings.Count(pkg, ".") == 2 && i > 0 {
		minor = pkg[:i]
	}
	return Vars{NodeName: nodeName, NodeGroup: t.NodeGroup, KubernetesVersion: t.KubernetesVersion,
		KubernetesMinor: "v" + minor, KubernetesPackageVersion: pkg, Offering: p.OfferingID, Datacenter: p.DatacenterID,
		Labels: labels, Taints: t.Taints, LabelsArg: labelsArg(labels), TaintsArg: taintsArg(t.Taints)}
}

func readTemplate(ctx context.Context, reader client.Reader, ref string) (string, error) {
	ns, name, ok := strings.Cut(ref, "/")
	if !ok {
		return "", fmt.Errorf("user data template %q: want namespace/name", ref)
	}
	cm := &corev1.ConfigMap{}
	if err := reader.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cm); err != nil {
		return "", fmt.Errorf("reading user data template %s: %w", ref, err)
	}
	text, ok := cm.Data[KeyTemplate]
	if !ok {
		return "", fmt.Errorf("user data template %s has no key %q", ref, KeyTemplate)
	}
	return text, nil
}

func labelsArg(labels map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ",")
}

func taintsArg(taints []contract.Taint) string {
	var parts []string
	for _, t := range taints {
		kv := t.Key
		if t.Value != "" {
			kv += "=" + t.Value
		}
		parts = append(parts, kv+":"+t.Effect)
	}
	return strings.Join(parts, ",")
}
