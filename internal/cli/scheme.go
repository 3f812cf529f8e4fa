package cli

import (
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/vpsie/vpsie-autoscaler/internal/operator"
)

// newScheme is the autoscaler's scheme with batch/v1 added: the plugin also reads Jobs from manifests, which the
// autoscaler itself never does.
func newScheme() *runtime.Scheme {
	s := operator.NewScheme()
	utilruntime.Must(batchv1.AddToScheme(s))
	return s
}
