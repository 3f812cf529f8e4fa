package testenv

import (
	"fmt"
	"os"
	"path/filepath"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// LocalWebhooks are deploy/webhook's configurations as shipped but for their names
// (vpsie-autoscaler-<ns>), their client config and their scope, for a test's apiserver to
// call a webhook server outside the cluster: by URL at serverAddr (host:port) with the
// shipped paths, trusting caPEM as the chart's caBundle would. The Node guard sees only
// Nodes labelled nodeLabels and the others only namespace ns, so other tests' objects
// never meet them.
func LocalWebhooks(serverAddr string, caPEM []byte, ns string, nodeLabels map[string]string) (
	*admissionregistrationv1.ValidatingWebhookConfiguration, *admissionregistrationv1.MutatingWebhookConfiguration, error) {
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	var mwc admissionregistrationv1.MutatingWebhookConfiguration
	if err := readWebhookManifest("validating.yaml", &vwc); err != nil {
		return nil, nil, err
	}
	if err := readWebhookManifest("mutating.yaml", &mwc); err != nil {
		return nil, nil, err
	}
	vwc.ObjectMeta = metav1.ObjectMeta{Name: "vpsie-autoscaler-" + ns}
	mwc.ObjectMeta = metav1.ObjectMeta{Name: "vpsie-autoscaler-" + ns}
	inNamespace := &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}
	local := func(shipped admissionregistrationv1.WebhookClientConfig) admissionregistrationv1.WebhookClientConfig {
		url := "https://" + serverAddr + *shipped.Service.Path
		return admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caPEM}
	}
	for i := range vwc.Webhooks {
		h := &vwc.Webhooks[i]
		h.ClientConfig = local(h.ClientConfig)
		if h.Rules[0].Resources[0] == "nodes" {
			h.ObjectSelector = &metav1.LabelSelector{MatchLabels: nodeLabels}
		} else {
			h.NamespaceSelector = inNamespace
		}
	}
	for i := range mwc.Webhooks {
		mwc.Webhooks[i].ClientConfig = local(mwc.Webhooks[i].ClientConfig)
		mwc.Webhooks[i].NamespaceSelector = inNamespace
	}
	return &vwc, &mwc, nil
}

func readWebhookManifest(name string, into any) error {
	data, err := os.ReadFile(filepath.Join(RepoRoot(), "deploy", "webhook", name))
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalStrict(data, into); err != nil {
		return fmt.Errorf("deploy/webhook/%s: %w", name, err)
	}
	return nil
}
