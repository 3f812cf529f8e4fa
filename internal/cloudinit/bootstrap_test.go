package cloudinit

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// BootstrapKubelet says what a new node's kubelet will report, without the join Secret; the
// simulated kubelet, booted on the same group's real user data, reports exactly that.
func TestBootstrapKubeletIsWhatTheNodeReports(t *testing.T) {
	join := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "sys", Name: "join"}, Data: map[string][]byte{
		KeyAPIServerEndpoint: []byte("10.0.0.1:6443"), KeyToken: []byte("abcdef.0123456789abcdef"),
		KeyCACertHash: []byte("sha256:00ff")}}
	cm := func(name, text string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name,
			Labels: map[string]string{LabelTemplate: "true"}}, Data: map[string]string{KeyTemplate: text}}
	}
	pinned := cm("pinned", "#cloud-config\nruncmd:\n  - apt-get install -y 'kubelet=1.35.2-*'\n")
	image := cm("image", "#cloud-config\nruncmd:\n  - kubeadm join {{ .APIServerEndpoint }} --token {{ .Token }}\n")
	follows := cm("follows", "#cloud-config\nruncmd:\n  - dnf install -y kubelet-{{ .KubernetesPackageVersion }}\n")
	for _, tt := range []struct {
		name, template, want string
	}{
		{"the default template installs spec.kubernetesVersion", "", "v1.36.3"},
		{"a template that pins another version", "ns/pinned", "v1.35.2"},
		{"a template that installs no kubelet (the image's)", "ns/image", ""},
		{"a template that installs the group's version", "ns/follows", "v1.36.3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reader := fake.NewClientBuilder().WithObjects(join, pinned, image, follows).Build()
			tm := contract.NodeTemplate{NodeGroup: "pool", KubernetesVersion: "v1.36.3", UserDataTemplate: tt.template}
			got, err := BootstrapKubelet(context.Background(), fake.NewClientBuilder().WithObjects(pinned, image, follows).Build(), tm)
			if err != nil || got != tt.want {
				t.Fatalf("BootstrapKubelet = %q, %v; want %q", got, err, tt.want)
			}
			r := &Renderer{Reader: reader, Join: &StaticSecret{Reader: reader, Secret: types.NamespacedName{Namespace: "sys", Name: "join"}}}
			ud, err := r.Render(context.Background(), contract.CreateOwnedVPSInput{Hostname: "n-1", OfferingID: "o",
				DatacenterID: "dc", Join: &tm})
			if err != nil {
				t.Fatal(err)
			}
			k, err := vpsiesim.ParseKubelet(ud)
			if k.Version != tt.want || (tt.want == "") != (err != nil) {
				t.Fatalf("the simulated kubelet reports %q (%v), want %q", k.Version, err, tt.want)
			}
		})
	}
}
