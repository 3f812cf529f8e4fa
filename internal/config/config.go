package config

import "time"

// Config is the whole autoscaler configuration. It holds file paths and Secret references, never secret values,
// so it is safe to log.
//
// Struct tags drive everything else: `json` is the YAML key (and from it the environment variable and flag),
// `doc` is the one-line documentation, `file:"true"` marks a path that must exist when set. Leaf types are string
// (or a named string enum), bool, int and time.Duration.
type Config struct {
	Controller ControllerConfig `json:"controller" doc:"How the controller runs inside the cluster."`
	Temporal   TemporalConfig   `json:"temporal" doc:"Connection to the Temporal cluster that runs every node operation."`
	VPSie      VPSieConfig      `json:"vpsie" doc:"The VPSie API client."`
	ScaleUp    ScaleUpConfig    `json:"scaleUp" doc:"When and how NodeGroups grow for pending pods and minNodes."`
	ScaleDown  ScaleDownConfig  `json:"scaleDown" doc:"When and how NodeGroups shrink: underutilized and empty nodes are drained and deleted."`
	Rebalance  RebalanceConfig  `json:"rebalance" doc:"Replacing NodeGroups' nodes by cheaper or up-to-date ones (the Rebalance workflow)."`
	GC         GCConfig         `json:"gc" doc:"The orphan collector (Temporal Schedule gc/<clusterName>): VPSs tagged for this cluster and managed Nodes that no VPSieNode accounts for are deleted after a grace period; it also recovers the cluster after the Temporal database is lost (docs/operations/disaster-recovery.md)."`
	Metrics    MetricsConfig    `json:"metrics" doc:"Prometheus metrics endpoint."`
	Health     HealthConfig     `json:"health" doc:"Liveness and readiness probe endpoint."`
	Logging    LoggingConfig    `json:"logging" doc:"Structured logs."`
	Tracing    TracingConfig    `json:"tracing" doc:"OpenTelemetry traces of node operations, exported over OTLP (off by default)."`
	Webhook    WebhookConfig    `json:"webhook" doc:"Admission webhooks: the Node deletion guard, NodeGroup and VPSieNode validation, NodeGroup defaults."`
	Runtime    RuntimeConfig    `json:"runtime" doc:"The Go runtime's memory settings (docs/performance/scale-up.md, Memory)."`
}

// RuntimeConfig tunes the Go runtime. The process's own GOGC environment variable, when set, wins over gcPercent,
// so an operator can still tune the collector the standard way.
type RuntimeConfig struct {
	GCPercent int `json:"gcPercent" doc:"Garbage collector target (Go's GOGC), 10 to 1000: the heap may grow this many percent over what was live after the last collection before the next one. The autoscaler's heap is mostly its long-lived informer cache, so a value below Go's 100 keeps the resident memory low at a small CPU cost. Ignored when the GOGC environment variable is set."`
}

// ControllerConfig configures the controller manager.
type ControllerConfig struct {
	ClusterName             string        `json:"clusterName" doc:"Name of this cluster, a DNS-1123 label; tags every VPS the autoscaler creates and prefixes their hostnames."`
	Namespace               string        `json:"namespace" doc:"Namespace the autoscaler runs in; holds its leader-election Lease."`
	Kubeconfig              string        `json:"kubeconfig" file:"true" doc:"Path to a kubeconfig file; empty uses the in-cluster configuration or $KUBECONFIG."`
	KubeAPIQPS              int           `json:"kubeAPIQPS" doc:"Sustained requests per second of every Kubernetes client the autoscaler builds (controller, activities, leader election), 1 to 10000; the same however the cluster is found (client-go's own default of 5 would throttle a 1000-pod burst)."`
	KubeAPIBurst            int           `json:"kubeAPIBurst" doc:"Requests a Kubernetes client may send at once above kubeAPIQPS, at least kubeAPIQPS and at most 20000."`
	LeaderElection          bool          `json:"leaderElection" doc:"Elect one active replica through a Lease, so several replicas can run for availability."`
	LeaderElectionID        string        `json:"leaderElectionID" doc:"Name of the leader-election Lease."`
	LeaseDuration           time.Duration `json:"leaseDuration" doc:"How long other replicas wait before taking over a Lease that was not renewed; must exceed renewDeadline."`
	RenewDeadline           time.Duration `json:"renewDeadline" doc:"How long the leader retries renewing before it gives up leadership; must exceed retryPeriod."`
	RetryPeriod             time.Duration `json:"retryPeriod" doc:"Interval between leader-election attempts."`
	SyncPeriod              time.Duration `json:"syncPeriod" doc:"Interval after which every watched object is reconciled again even without a change."`
	GracefulShutdownTimeout time.Duration `json:"gracefulShutdownTimeout" doc:"Time running reconciles and the worker get to finish after SIGTERM."`
}

// TemporalConfig configures the Temporal client and worker.
type TemporalConfig struct {
	Address    string            `json:"address" doc:"host:port of the Temporal frontend."`
	Namespace  string            `json:"namespace" doc:"Temporal namespace the workflows run in."`
	TaskQueue  string            `json:"taskQueue" doc:"Task queue the worker polls and the controller starts workflows on."`
	Identity   string            `json:"identity" doc:"Client and worker identity shown in the Temporal UI; empty uses the SDK default (process id and hostname)."`
	TLS        TemporalTLSConfig `json:"tls" doc:"TLS towards the Temporal frontend (a secured cluster or Temporal Cloud)."`
	APIKeyFile string            `json:"apiKeyFile" file:"true" doc:"Path to a file holding a Temporal Cloud API key, read when connecting; requires tls.enabled."`
}

// TemporalTLSConfig configures TLS and mTLS towards Temporal.
type TemporalTLSConfig struct {
	Enabled    bool   `json:"enabled" doc:"Connect with TLS; the other tls fields and apiKeyFile require it."`
	CAFile     string `json:"caFile" file:"true" doc:"PEM CA bundle that verifies the server; empty uses the system roots."`
	CertFile   string `json:"certFile" file:"true" doc:"PEM client certificate for mTLS; set together with keyFile."`
	KeyFile    string `json:"keyFile" file:"true" doc:"PEM private key of certFile."`
	ServerName string `json:"serverName" doc:"Server name to verify instead of the host in address."`
}

// VPSieConfig configures the VPSie API client. Both known API shapes are reachable through loginPath,
// loginEncoding and authHeader.
type VPSieConfig struct {
	APIShape                 APIShape                  `json:"apiShape" doc:"VPSie API dialect: a is the earlier autoscaler's (base /v2, form login, Bearer), b is VPSie's own Go client (/apps/v2 and /api/v2, JSON login, Vpsie-Auth). It sets the defaults of baseURL, loginPath, loginEncoding and authHeader."`
	BaseURL                  string                    `json:"baseURL" doc:"Base URL of the VPSie API; empty uses the apiShape's (a: https://api.vpsie.com/v2, b: https://api.vpsie.com); must be https unless allowInsecureHTTP is true."`
	AllowInsecureHTTP        bool                      `json:"allowInsecureHTTP" doc:"Permit an http:// baseURL, for the local simulator; only allowed when baseURL's host is a loopback address (127.0.0.0/8, ::1 or localhost)."`
	LoginPath                string                    `json:"loginPath" doc:"Path of the login endpoint, relative to baseURL; empty uses the apiShape's (a: /auth/from/api, b: /apps/v2/auth/from/api)."`
	LoginEncoding            LoginEncoding             `json:"loginEncoding" doc:"Body encoding of the login request; empty uses the apiShape's (a: form, b: json)."`
	AuthHeader               AuthHeader                `json:"authHeader" doc:"How requests carry the token: bearer sends 'Authorization: Bearer <token>', vpsie-auth sends 'Vpsie-Auth: <token>'; empty uses the apiShape's (a: bearer, b: vpsie-auth)."`
	Credentials              VPSieCredentialsConfig    `json:"credentials" doc:"Where the API client ID and secret are read from; never the values themselves."`
	CAFile                   string                    `json:"caFile" file:"true" doc:"PEM CA bundle that verifies baseURL (e.g. the simulator's CA); empty uses the system roots."`
	RateLimitPerMinute       int                       `json:"rateLimitPerMinute" doc:"Maximum API requests per minute for the whole cluster, 1 to 10000: the Temporal server holds the VPSie activities of every replica to it (the VPSie task queue's activity rate)."`
	ListingLag               time.Duration             `json:"listingLag" doc:"Longest time a new VPS takes to appear in the API's listings. A create retried after an ambiguous failure first looks for this long, so it never makes a second VPS."`
	ManagedClusterIdentifier string                    `json:"managedClusterIdentifier" doc:"UUID of the VPSie managed Kubernetes cluster that NodeGroups in provisioning mode managedKubernetes scale, unless a NodeGroup names its own (spec.provisioning.managedKubernetes.clusterIdentifier)."`
	Timeout                  time.Duration             `json:"timeout" doc:"Timeout of one API request."`
	TokenRefreshBefore       time.Duration             `json:"tokenRefreshBefore" doc:"Refresh the access token this long before it expires."`
	CircuitBreaker           VPSieCircuitBreakerConfig `json:"circuitBreaker" doc:"Stops calling the API after repeated failures."`
}

// VPSieCredentialsConfig says where the VPSie API credentials live.
type VPSieCredentialsConfig struct {
	SecretName      string `json:"secretName" doc:"Kubernetes Secret holding the API client ID and secret."`
	SecretNamespace string `json:"secretNamespace" doc:"Namespace of secretName."`
	File            string `json:"file" file:"true" doc:"Path to a credentials file; when set it is used instead of the Secret."`
}

// VPSieCircuitBreakerConfig configures the client's circuit breaker.
type VPSieCircuitBreakerConfig struct {
	FailureThreshold int           `json:"failureThreshold" doc:"Consecutive failures that open the breaker, at least 1, once failurePercent of the window's calls failed too."`
	FailurePercent   int           `json:"failurePercent" doc:"Share of the window's calls (1-100) that must have failed before the breaker opens: a flaky API whose calls mostly succeed keeps being called."`
	Window           time.Duration `json:"window" doc:"How long a closed breaker counts calls before it starts counting again."`
	OpenTimeout      time.Duration `json:"openTimeout" doc:"How long the breaker stays open before it lets a trial request through."`
}

// MetricsConfig configures the Prometheus endpoint.
type MetricsConfig struct {
	BindAddress      string `json:"bindAddress" doc:"[host]:port of the /metrics endpoint; \"0\" disables it."`
	PprofBindAddress string `json:"pprofBindAddress" doc:"[host]:port of Go's /debug/pprof endpoints, for profiling a running autoscaler; empty (the default) turns them off. Never expose it beyond the pod."`
}

// HealthConfig configures the probe endpoint.
type HealthConfig struct {
	BindAddress string `json:"bindAddress" doc:"[host]:port of the /healthz and /readyz endpoint; \"0\" disables it."`
}

// LoggingConfig configures the structured logger (see internal/logging).
type LoggingConfig struct {
	Level  LogLevel  `json:"level" doc:"Lowest level that is logged."`
	Format LogFormat `json:"format" doc:"Log line format."`
}

// ScaleDownConfig configures the scale-down controller and the drains it starts. The thresholds and the window are
// per NodeGroup (spec.scaleDownPolicy).
type ScaleDownConfig struct {
	Enabled           bool          `json:"enabled" doc:"Run the scale-down controller; false keeps every node (NodeGroups can also opt out with spec.scaleDownPolicy.enabled)."`
	Interval          time.Duration `json:"interval" doc:"How often nodes are sampled and scale-down is planned."`
	SampleCapacity    int           `json:"sampleCapacity" doc:"Utilization samples kept per node; times interval must cover the longest stabilization window in use."`
	EmptyNodeDelay    time.Duration `json:"emptyNodeDelay" doc:"How long a node must run nothing but DaemonSet and mirror pods before it is drained, instead of the stabilization window."`
	MaxParallelDrains int           `json:"maxParallelDrains" doc:"Drains one NodeGroup may have under way at once."`
	DrainTimeout      time.Duration `json:"drainTimeout" doc:"How long a drain may take to evict a node's pods (PodDisruptionBudget waits included) before it is undone."`
	ForceDrain        bool          `json:"forceDrain" doc:"Delete a node whose pods could not all be evicted within drainTimeout; false undoes the drain instead."`
	UseMetrics        bool          `json:"useMetrics" doc:"When the cluster serves metrics.k8s.io (metrics-server), also sample each node's measured usage: a node is underutilized only when both what its pods request and what they use are below the thresholds. Without metrics.k8s.io requests alone count, as in cluster-autoscaler."`
}

// RebalanceConfig configures the rebalance controller and the runs it starts. Whether and how a NodeGroup is
// rebalanced is per NodeGroup (spec.rebalancePolicy).
type RebalanceConfig struct {
	Enabled          bool          `json:"enabled" doc:"Run the rebalance controller; false starts no rebalance, not even for the rebalance=now annotation (NodeGroups opt in to automatic runs with spec.rebalancePolicy.enabled)."`
	Interval         time.Duration `json:"interval" doc:"How often every NodeGroup is analyzed for nodes worth replacing and the rebalance annotation is read."`
	ProgressInterval time.Duration `json:"progressInterval" doc:"How often the progress of running rebalances is read into NodeGroup status."`
	DrainTimeout     time.Duration `json:"drainTimeout" doc:"How long a rebalance's drain of one old node may take to evict its pods (PodDisruptionBudget waits included) before the rebalance rolls back."`
	VerifyTimeout    time.Duration `json:"verifyTimeout" doc:"How long a blueGreen rebalance waits for the moved pods to run on the new nodes before it rolls back."`
}

// GCConfig configures the orphan collector.
type GCConfig struct {
	Enabled  bool          `json:"enabled" doc:"Create (or update) the Schedule gc/<clusterName> at start; false deletes no orphan and leaves an existing Schedule as it is."`
	Interval time.Duration `json:"interval" doc:"How often the collector runs (a run still going skips the next one)."`
	Grace    time.Duration `json:"grace" doc:"How long a VPS or Node must stay orphaned (seen at the start of a run and again after this wait) before it is deleted: a create may be in flight, so keep it well above vpsie.listingLag and a VPS create."`
	DryRun   bool          `json:"dryRun" doc:"Find and report orphans (metrics, events, logs) but delete nothing."`
}

// ScaleUpConfig configures the scale-up provisioner and the nodes it makes.
type ScaleUpConfig struct {
	BatchIdle           time.Duration `json:"batchIdle" doc:"A batch of unschedulable pods closes when no new one arrived for this long."`
	BatchMax            time.Duration `json:"batchMax" doc:"A batch of unschedulable pods closes at the latest this long after its first pod."`
	ResyncPeriod        time.Duration `json:"resyncPeriod" doc:"How often the provisioner plans even without a change (minNodes, retries after a backoff)."`
	CatalogueRefresh    time.Duration `json:"catalogueRefresh" doc:"How long the VPSie catalogue (offerings, datacenters) is cached before it is read again."`
	BootTimeout         time.Duration `json:"bootTimeout" doc:"How long a new VPS may take to run before it is deleted as failed."`
	JoinTimeout         time.Duration `json:"joinTimeout" doc:"How long a running VPS may take to register its Node before it is deleted as failed."`
	ReadyTimeout        time.Duration `json:"readyTimeout" doc:"How long a registered Node may take to become Ready before it is deleted as failed."`
	MinBackoff          time.Duration `json:"minBackoff" doc:"First pause of a NodeGroup after one of its new nodes failed; it doubles with each further failure up to maxBackoff."`
	MaxBackoff          time.Duration `json:"maxBackoff" doc:"Longest pause of a NodeGroup whose new nodes keep failing (the backoff doubles from minBackoff up to this)."`
	NominatePods        bool          `json:"nominatePods" doc:"Write each pending pod's planned node into its status.nominatedNodeName, so kube-scheduler (1.35 and later, NominatedNodeNameForExpectation) keeps that room for it and the pods land as planned: fewer nodes (1000 pods: 261-276 instead of 282), but a Ready node's room waits for its nominated pods' scheduling backoff (tens of seconds in that run). false (the default) leaves placement to the scheduler; the planner keeps its own plan either way."`
	UnusedNodeGrace     time.Duration `json:"unusedNodeGrace" doc:"How long a new Ready node may run none of the group's pods while pods still wait for the group; then it counts as a failed node (runaway guard), and until then the group makes no more nodes for pending pods."`
	ReservedCPUMillis   int           `json:"reservedCPUMillis" doc:"CPU a new node keeps for the kubelet and the system (kube-reserved plus system-reserved), in millicores; the planner subtracts it from each offering."`
	ReservedMemoryMiB   int           `json:"reservedMemoryMiB" doc:"Memory a new node keeps for the kubelet and the system, in MiB."`
	EvictionMemoryMiB   int           `json:"evictionMemoryMiB" doc:"The kubelet's hard eviction threshold for memory, in MiB; also kept out of a new node's allocatable memory."`
	MaxPodsPerNode      int           `json:"maxPodsPerNode" doc:"Pods a new node takes at most (the kubelet's maxPods)."`
	QuotaVMs            int           `json:"quotaVMs" doc:"VMs this cluster may have in the VPSie account (the account's limit, less what else runs there); 0 means no limit. The planner leaves a pod unschedulable with reason QuotaExhausted rather than ask for more."`
	QuotaVCPUs          int           `json:"quotaVCPUs" doc:"vCPUs this cluster may have in the VPSie account; 0 means no limit."`
	JoinMode            JoinMode      `json:"joinMode" doc:"How a new node joins: perNodeToken gives every node its own bootstrap token (a Secret in kube-system, valid for bootTimeout + joinTimeout + 10m, deleted once the node joined or failed); joinSecret renders the shared Secret joinSecretName, whose token the operator keeps valid."`
	APIServerEndpoint   string        `json:"apiServerEndpoint" doc:"The host:port new nodes join (perNodeToken); empty reads it from kube-public/cluster-info."`
	CACertHash          string        `json:"caCertHash" doc:"The sha256:<hex> hash of the cluster CA's public key new nodes trust (perNodeToken); empty computes it from kube-public/cluster-info."`
	DefaultSSHKeyIDs    string        `json:"defaultSSHKeyIDs" doc:"VPSie SSH key IDs (registered in the account), comma-separated, that every new node gets before its NodeGroup's spec.sshKeyIDs; duplicates are dropped."`
	JoinSecretName      string        `json:"joinSecretName" doc:"Secret with the kubeadm join data (keys apiServerEndpoint, token, caCertHash) rendered into new nodes' cloud-init (joinMode joinSecret)."`
	JoinSecretNamespace string        `json:"joinSecretNamespace" doc:"Namespace of joinSecretName."`
}
