package cloudinit

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestRenderUserData(t *testing.T) {
	join := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "sys", Name: "join"}, Data: map[string][]byte{
		KeyAPIServerEndpoint: []byte("10.0.0.1:6443"), KeyToken: []byte("abcdef.0123456789abcdef"),
		KeyCACertHash: []byte("sha256:00ff")}}
	custom := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "tmpl", Labels: map[string]string{LabelTemplate: "true"}},
		Data: map[string]string{KeyTemplate: "#!/bin/sh\necho {{ .NodeName }} {{ .KubernetesVersion }} {{ .LabelsArg }}\n"}}
	tmpl := contract.NodeTemplate{NodeGroup: "pool", KubernetesVersion: "v1.36.3", Labels: map[string]string{"b": "2", "a": "1"},
		Taints: []contract.Taint{{Key: "gpu", Value: "true", Effect: "NoSchedule"}}}
	tests := []struct {
		name     string
		template string
		objects  bool
		want     []string
		wantErr  string
	}{
		{name: "default kubeadm join with labels and taints", objects: true, want: []string{
			"kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00ff",
			"--node-name n-1", "--register-with-taints=gpu=true:NoSchedule",
			"--node-labels=a=1,autoscaler.vpsie.com/datacenter=tor1,autoscaler.vpsie.com/managed=true," +
				"autoscaler.vpsie.com/nodegroup=pool,autoscaler.vpsie.com/offering=std-2c-4g,autoscaler.vpsie.com/vpsienode=n-1,b=2," +
				"node.kubernetes.io/instance-type=std-2c-4g,topology.kubernetes.io/region=tor1,topology.kubernetes.io/zone=tor1",
			"https://pkgs.k8s.io/core:/stable:/v1.36/deb/", "apt-get install -y -q apt-transport-https ca-certificates curl gpg containerd",
			"apt-get install -y -q 'kubelet=1.36.3-*' 'kubeadm=1.36.3-*' 'kubectl=1.36.3-*'", "- [/usr/local/sbin/vpsie-node-install]"}},
		{name: "a nodegroup's own template", template: "ns/tmpl", objects: true, want: []string{
			"echo n-1 v1.36.3 a=1,autoscaler.vpsie.com/datacenter=tor1,"}},
		{name: "no join secret: a clear error without any secret", wantErr: "reading join secret sys/join"},
		{name: "a template reference that is not namespace/name", template: "tmpl", objects: true, wantErr: "want namespace/name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fake.NewClientBuilder()
			if tt.objects {
				b = b.WithObjects(join, custom)
			}
			c := b.Build()
			r := &Renderer{Reader: c, Join: &StaticSecret{Reader: c, Secret: types.NamespacedName{Namespace: "sys", Name: "join"}}}
			tm := tmpl
			tm.UserDataTemplate = tt.template
			got, err := r.Render(context.Background(), contract.CreateOwnedVPSInput{Hostname: "n-1", OfferingID: "std-2c-4g",
				DatacenterID: "tor1", Join: &tm})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "abcdef") {
					t.Fatalf("error = %v, want %q and no token", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("user data lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// countingJoin counts the tokens it hands out.
type countingJoin struct{ issued int }

func (c *countingJoin) Join(context.Context, contract.CreateOwnedVPSInput) (Join, error) {
	c.issued++
	return Join{APIServerEndpoint: "10.0.0.1:6443", Token: "abcdef.0123456789abcdef", CACertHash: "sha256:00ff"}, nil
}

func TestTemplatesInlineOrLabelledConfigMapWithVariables(t *testing.T) {
	unlabelled := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "plain"},
		Data: map[string]string{KeyTemplate: "#!/bin/sh\necho {{ .Token }}\n"}}
	tests := []struct {
		name    string
		tmpl    contract.NodeTemplate
		want    string
		wantErr string
	}{
		{name: "inline, with the group's variables and built-ins",
			tmpl: contract.NodeTemplate{CloudInitTemplate: "#cloud-config\npackages: [{{ .Variables.pkg }}]\n# {{ .NodeName }} {{ .Token }}\n",
				Variables: map[string]string{"pkg": "nfs-common"}},
			want: "#cloud-config\npackages: [nfs-common]\n# n-1 abcdef.0123456789abcdef\n"},
		{name: "a variable nobody set: refused, naming the field, no token issued",
			tmpl:    contract.NodeTemplate{CloudInitTemplate: "{{ .Variables.driver }}"},
			wantErr: `spec.cloudInitTemplate of NodeGroup pool: template: user-data:1:13: executing "user-data" at <.Variables.driver>: map has no entry for key "driver"`},
		{name: "a ConfigMap not labelled for the autoscaler is never rendered with a token",
			tmpl: contract.NodeTemplate{UserDataTemplate: "ns/plain"}, wantErr: "is not labelled autoscaler.vpsie.com/user-data-template"},
		{name: "a template over the size limit", tmpl: contract.NodeTemplate{CloudInitTemplate: strings.Repeat("#", MaxTemplateBytes+1)},
			wantErr: "more than 32768"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			join := &countingJoin{}
			r := &Renderer{Reader: fake.NewClientBuilder().WithObjects(unlabelled).Build(), Join: join}
			tm := tt.tmpl
			tm.NodeGroup = "pool"
			got, err := r.Render(context.Background(), contract.CreateOwnedVPSInput{Hostname: "n-1", OfferingID: "o",
				DatacenterID: "d", Join: &tm})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || join.issued != 0 {
					t.Fatalf("error = %v, tokens issued %d; want %q and none", err, join.issued, tt.wantErr)
				}
				if cerr := Check(tm.CloudInitTemplate, tm.Variables); tm.CloudInitTemplate != "" && cerr == nil {
					t.Errorf("Check admits a template Render refuses")
				}
				return
			}
			if err != nil || got != tt.want || join.issued != 1 {
				t.Fatalf("got %q, %v (tokens %d); want %q", got, err, join.issued, tt.want)
			}
		})
	}
}
