package activities

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// NewEvictionClient returns the REST client EvictPods posts evictions with. The drain
// retries a refused eviction itself, heartbeating; client-go's own retry of a 429 with
// Retry-After (ten times the server's wait, 100 s for a budget the disruption
// controller has not processed yet) would be a second, silent retry layer that outlasts
// the activity's heartbeat timeout. So every eviction is one request.
func NewEvictionClient(cfg *rest.Config) (rest.Interface, error) {
	c := rest.CopyConfig(cfg)
	c.GroupVersion = &policyv1.SchemeGroupVersion
	c.APIPath = "/apis"
	c.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	rc, err := rest.RESTClientFor(c)
	if err != nil {
		return nil, fmt.Errorf("creating the eviction client: %w", err)
	}
	return rc, nil
}

// postEviction posts one eviction, exactly once.
func (k *Kube) postEviction(ctx context.Context, pod *corev1.Pod, ev *policyv1.Eviction) error {
	if k.Evictions == nil {
		return k.Client.SubResource("eviction").Create(ctx, pod, ev)
	}
	return k.Evictions.Post().AbsPath("/api/v1").Namespace(pod.Namespace).Resource("pods").Name(pod.Name).
		SubResource("eviction").MaxRetries(0).Body(ev).Do(ctx).Error()
}
