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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/kubeletflags"
	"github.com/vpsie/vpsie-autoscaler/internal/nodelabels"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Keys of the static join Secret and of a template ConfigMap.
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
	ReservesArg string
	// Variables are the NodeGroup's spec.cloudInitVariables.
	Variables map[string]string
	// InstallScript is the default bootstrap's install step, rendered (install.sh.tmpl):
	// containerd and the kubelet, kubeadm and kubectl of KubernetesVersion.
	InstallScript                        string
	APIServerEndpoint, Token, CACertHash string
}

// Renderer reads template ConfigMaps with an uncached reader and asks Join for the
// node's join data (a per-node bootstrap token, or the shared join Secret).
type Renderer struct {
	Reader client.Reader
	Join   JoinSource
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

// Render returns the user data of the node a create makes (its hostname is its node
// name and its VPSieNode's name). The join data is asked for last, so a template that
// does not render issues no token. Errors never carry the token.
func (r *Renderer) Render(ctx context.Context, in contract.CreateOwnedVPSInput) (string, error) {
	if in.Join == nil {
		return "", fmt.Errorf("create of %s has no node template to render", in.Hostname)
	}
	t := *in.Join
	// A dry run with placeholder join data finds a missing key before a token exists.
	p, err := r.prepare(ctx, in.Hostname, contract.Placement{OfferingID: in.OfferingID, DatacenterID: in.DatacenterID}, t)
	if err != nil {
		return "", err
	}
	j, err := r.Join.Join(ctx, in)
	if err != nil {
		return "", err
	}
	v := p.vars
	v.APIServerEndpoint, v.Token, v.CACertHash = j.APIServerEndpoint, j.Token, j.CACertHash
	var out bytes.Buffer
	if err := p.tmpl.Execute(&out, v); err != nil {
		return "", fmt.Errorf("rendering user data template %s: %w", describe(t), err)
	}
	if out.Len() > MaxUserDataBytes {
		return "", fmt.Errorf("user data of %s from template %s is %d bytes, more than %d", in.Hostname, describe(t),
			out.Len(), MaxUserDataBytes)
	}
	return out.String(), nil
}

// prepared is a node's template, parsed, with its variables and what it renders with
// placeholder join data.
type prepared struct {
	tmpl   *template.Template
	vars   Vars
	probed string
}

// prepare reads and parses the node's template and renders it with placeholder join data:
// every problem but the join data's shows here, as a *ConfigError, before a token exists.
func (r *Renderer) prepare(ctx context.Context, nodeName string, p contract.Placement, t contract.NodeTemplate) (prepared, error) {
	text, err := r.source(ctx, t)
	if err != nil {
		return prepared{}, err
	}
	tmpl, err := parse(text)
	if err != nil {
		return prepared{}, configError(ReasonUserDataTemplateInvalid, "parsing user data template %s: %v", describe(t), err)
	}
	v := r.vars(nodeName, p, t)
	if v.InstallScript, err = renderInstall(v); err != nil {
		return prepared{}, err
	}
	probe := v
	probe.APIServerEndpoint, probe.Token, probe.CACertHash = "placeholder:6443", "placeholder", "sha256:placeholder"
	var out bytes.Buffer
	if err := tmpl.Execute(&out, probe); err != nil {
		return prepared{}, configError(ReasonUserDataTemplateInvalid, "rendering user data template %s: %v", describe(t), err)
	}
	if out.Len() > MaxUserDataBytes {
		return prepared{}, configError(ReasonUserDataTemplateInvalid, "user data of %s from template %s is %d bytes, more than %d",
			nodeName, describe(t), out.Len(), MaxUserDataBytes)
	}
	return prepared{tmpl: tmpl, vars: v, probed: out.String()}, nil
}

// dryRun renders t's template for a placeholder node of no placement.
func (r *Renderer) dryRun(ctx context.Context, t contract.NodeTemplate) (string, error) {
	p, err := r.prepare(ctx, "bootstrap-probe", contract.Placement{}, t)
	return p.probed, err
}

func (r *Renderer) vars(nodeName string, p contract.Placement, t contract.NodeTemplate) Vars {
	labels := nodelabels.Node(nodelabels.Group{Name: t.NodeGroup, Labels: t.Labels}, p.OfferingID, p.DatacenterID, nodeName)
	pkg := strings.TrimPrefix(t.KubernetesVersion, "v")
	minor := pkg
	if i := strings.LastIndex(pkg, "."); strings.Count(pkg, ".") == 2 && i > 0 {
		minor = pkg[:i]
	}
	return Vars{NodeName: nodeName, NodeGroup: t.NodeGroup, KubernetesVersion: t.KubernetesVersion,
		KubernetesMinor: "v" + minor, KubernetesPackageVersion: pkg, Offering: p.OfferingID, Datacenter: p.DatacenterID,
		Labels: labels, Taints: t.Taints, LabelsArg: labelsArg(labels), TaintsArg: taintsArg(t.Taints), ReservesArg: r.Reserves.Arg(),
		Variables: t.Variables}
}

// funcs are the template functions every template may use.
var funcs = template.FuncMap{"indent": indent}

// indent prefixes every line of s with n spaces (for a block scalar in cloud-config).
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+pad)
}

var install = template.Must(template.New("install").Option("missingkey=error").Parse(installScript))

func renderInstall(v Vars) (string, error) {
	var b bytes.Buffer
	if err := install.Execute(&b, v); err != nil {
		return "", fmt.Errorf("rendering the install script: %w", err)
	}
	return b.String(), nil
}

func (r *Renderer) template(ctx context.Context, ref string) (string, error) {
	ns, name, ok := strings.Cut(ref, "/")
	if !ok {
		return "", configError(ReasonUserDataTemplateInvalid, "user data template %q: want namespace/name", ref)
	}
	cm := &corev1.ConfigMap{}
	if err := r.Reader.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cm); err != nil {
		reason := ReasonBootstrapConfigUnreadable
		if apierrors.IsNotFound(err) {
			reason = ReasonUserDataTemplateNotFound
		}
		return "", configError(reason, "reading user data template %s: %v", ref, err)
	}
	if cm.Labels[LabelTemplate] != "true" {
		return "", configError(ReasonUserDataTemplateNotLabelled,
			"user data template %s is not labelled %s: \"true\" (only labelled ConfigMaps are rendered with a join token)",
			ref, LabelTemplate)
	}
	text, ok := cm.Data[KeyTemplate]
	if !ok {
		return "", configError(ReasonUserDataTemplateKeyMissing, "user data template %s has no key %q", ref, KeyTemplate)
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

// BootstrapKubelet is the kubelet version ("v1.36.3") the group's user data installs, so
// the version a new node of the group reports; "" when it installs none (the image's
// kubelet). It renders the group's template as Render would, with placeholders for the
// join data (it issues no token and reads no join Secret) and the node's name and placement.
func BootstrapKubelet(ctx context.Context, reader client.Reader, t contract.NodeTemplate) (string, error) {
	out, err := (&Renderer{Reader: reader}).dryRun(ctx, t)
	if err != nil {
		return "", err
	}
	return kubeletflags.InstalledKubelet(out), nil
}
