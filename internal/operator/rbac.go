package operator

// The permissions the autoscaler's ServiceAccount needs, today and for the
// controllers and activities that are being added (scale-up planning lists
// pods, Nodes and DaemonSets; drains evict pods within their
// PodDisruptionBudgets). `make rbac` turns these markers into
// deploy/rbac/role.yaml and the Helm chart renders that file, so the chart's
// ClusterRole is always the generated one.
//
// Cluster-wide: the autoscaler's own resources, Nodes, and what drains and
// scheduling simulation read.
// NodeGroups belong to the user: the autoscaler reads them, writes their status,
// and patches their metadata only to clear a consumed rebalance annotation
// (internal/controller/rebalance) and to add and remove its cleanup finalizer
// (internal/controller/groupdeletion); it sets no owner reference on them and
// never updates them whole. VPSieNodes it
// creates, patches (its termination finalizer, labels) and deletes itself;
// nothing is written with update but the NodeGroup status. Nodes are patched
// (cordon, annotations, labels) and deleted, never created or replaced.
// TestRBACServiceAccountHasExactlyWhatItNeeds checks the result, allowed and refused.
// +kubebuilder:rbac:groups=autoscaler.vpsie.com,resources=nodegroups,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=autoscaler.vpsie.com,resources=vpsienodes,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=autoscaler.vpsie.com,resources=nodegroups/status;vpsienodes/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=nodes,verbs=get;list;watch;patch;delete
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=pods/eviction,verbs=create
// Scale-up nominates pending pods to the nodes it buys for them (status.nominatedNodeName).
// +kubebuilder:rbac:groups="",resources=pods/status,verbs=patch
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=list;watch
// +kubebuilder:rbac:groups=apps,resources=daemonsets,verbs=list;watch
// Scale-down samples measured node usage when metrics-server serves it.
// +kubebuilder:rbac:groups=metrics.k8s.io,resources=nodes,verbs=list
// Scale-down's local-storage check reads which claims are bound to node-local volumes.
// +kubebuilder:rbac:groups="",resources=persistentvolumes;persistentvolumeclaims,verbs=list;watch
//
// A NodeGroup's user-data template is a ConfigMap in the NodeGroup's namespace,
// read by name when a VPS is created and by the rebalance controller to learn which
// kubelet it installs (never listed or watched).
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get
//
// Events are written in the namespace of the object they are about (any namespace).
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
//
// Leader election needs its Lease in the autoscaler's own namespace only; the
// generated Role names the namespace vpsie-autoscaler and the chart renders it
// into the release namespace.
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;create;update,namespace=vpsie-autoscaler
//
// Per-node bootstrap tokens (scaleUp.joinMode perNodeToken) are Secrets
// bootstrap-token-<id> in kube-system, where the API server's bootstrap
// authenticator reads them: the create activity creates one per node and the
// workflow deletes it at the join or the compensation. A Role in kube-system
// only, and never get, list or watch: the autoscaler cannot read a Secret there,
// not even its own tokens (resourceNames cannot restrict create).
// +kubebuilder:rbac:groups="",resources=secrets,verbs=create;delete,namespace=kube-system
//
// Other Secrets are not granted here: the credentials and join Secrets are read by
// name, which a ClusterRole cannot restrict to one namespace. The chart adds a
// Role in their namespace with resourceNames (vpsie.credentials and join).
