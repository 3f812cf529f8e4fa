package operator

import (
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// productGroups registers the API groups the autoscaler reads or writes through its clients and cache, and no
// other: a scheme holds a registry of every kind it knows (client-go's full scheme, ~60 group versions, is 166 KB
// of heap a copy; these six are 39 KB), and the manager and the activities' client each build one. They are the
// groups of the RBAC role in deploy/rbac, except metrics.k8s.io, which is read unstructured;
// TestSchemeHoldsTheRoleGroupsAndNoOther keeps the two in step.
var productGroups = runtime.SchemeBuilder{
	corev1.AddToScheme,         // pods, nodes, secrets, config maps, volumes, events
	appsv1.AddToScheme,         // DaemonSets (the pods every new node runs)
	policyv1.AddToScheme,       // PodDisruptionBudgets, evictions
	coordinationv1.AddToScheme, // the leader-election Lease
	eventsv1.AddToScheme,       // the events the recorder writes
	v1alpha1.AddToScheme,       // NodeGroups, VPSieNodes
}

// NewScheme returns a scheme with the Kubernetes kinds the autoscaler uses and its own.
func NewScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(productGroups.AddToScheme(s))
	return s
}
