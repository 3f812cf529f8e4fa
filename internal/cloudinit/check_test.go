package cloudinit

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit/sshkeytest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestCheckBootstrapNamesWhatIsWrongWithATypedReason(t *testing.T) {
	cm := func(name string, labelled bool, data map[string]string) *corev1.ConfigMap {
		c := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Data: data}
		if labelled {
			c.Labels = map[string]string{LabelTemplate: "true"}
		}
		return c
	}
	objs := []client.Object{
		cm("good", true, map[string]string{KeyTemplate: "#cloud-config\nhostname: {{ .NodeName }}\n"}),
		cm("plain", false, map[string]string{KeyTemplate: "#cloud-config\n"}),
		cm("nokey", true, map[string]string{"userdata": "#cloud-config\n"}),
		cm("missing-var", true, map[string]string{KeyTemplate: "{{ .Variables.driver }}"}),
		cm("unparsable", true, map[string]string{KeyTemplate: "{{ .NodeName "}),
		keySecret("keys", map[string]string{"authorized_keys": sshkeytest.PublicKey(t)}),
		keySecret("nokeys", map[string]string{"authorized_keys": ""}),
	}
	tests := []struct {
		name string
		tmpl contract.NodeTemplate
		want string // "" is valid
	}{
		{name: "the default template", tmpl: contract.NodeTemplate{}},
		{name: "a labelled ConfigMap and a Secret with keys", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/good", SSHKeySecret: "ns/keys"}},
		{name: "a ConfigMap that does not exist", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/gone"}, want: ReasonUserDataTemplateNotFound},
		{name: "a ConfigMap not labelled", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/plain"}, want: ReasonUserDataTemplateNotLabelled},
		{name: "a ConfigMap without user-data", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/nokey"}, want: ReasonUserDataTemplateKeyMissing},
		{name: "a variable nobody sets", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/missing-var"}, want: ReasonUserDataTemplateInvalid},
		{name: "the variable set", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/missing-var", Variables: map[string]string{"driver": "550"}}},
		{name: "a template that does not parse", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/unparsable"}, want: ReasonUserDataTemplateInvalid},
		{name: "an inline template with a missing variable", tmpl: contract.NodeTemplate{CloudInitTemplate: "{{ .Variables.x }}"}, want: ReasonUserDataTemplateInvalid},
		{name: "a missing key Secret", tmpl: contract.NodeTemplate{SSHKeySecret: "ns/gone"}, want: ReasonSSHKeySecretNotFound},
		{name: "a key Secret with no key", tmpl: contract.NodeTemplate{SSHKeySecret: "ns/nokeys"}, want: ReasonSSHKeySecretNoKeys},
		{name: "a template problem is named before a key problem", tmpl: contract.NodeTemplate{UserDataTemplate: "ns/gone", SSHKeySecret: "ns/gone"},
			want: ReasonUserDataTemplateNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := tt.tmpl
			tm.NodeGroup, tm.KubernetesVersion = "pool", "v1.36.3"
			err := CheckBootstrap(context.Background(), fake.NewClientBuilder().WithObjects(objs...).Build(), tm)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckBootstrap = %v, want valid", err)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Reason != tt.want || ReasonOf(err) != tt.want {
				t.Fatalf("CheckBootstrap = %v (%s), want reason %s", err, ReasonOf(err), tt.want)
			}
		})
	}
}

// A read the API server refuses (no RBAC for the Secret) is its own reason, not "not found".
func TestCheckBootstrapForbiddenIsUnreadable(t *testing.T) {
	c := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{Get: func(context.Context, client.WithWatch, client.ObjectKey,
		client.Object, ...client.GetOption) error {
		return apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "keys", errors.New("no RBAC"))
	}}).Build()
	err := CheckBootstrap(context.Background(), c, contract.NodeTemplate{NodeGroup: "pool", SSHKeySecret: "ns/keys"})
	if ReasonOf(err) != ReasonBootstrapConfigUnreadable {
		t.Fatalf("CheckBootstrap = %v (%s), want %s", err, ReasonOf(err), ReasonBootstrapConfigUnreadable)
	}
}
