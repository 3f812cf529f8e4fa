package config

import "time"

// Default returns the configuration used when nothing overrides it. It is valid as is and targets a local
// cluster with a Temporal frontend on 127.0.0.1:7233 and the public VPSie API.
func Default() *Config {
	return &Config{
		Controller: ControllerConfig{
			ClusterName:             "local",
			Namespace:               "kube-system",
			KubeAPIQPS:              200,
			KubeAPIBurst:            300,
			LeaderElection:          true,
			LeaderElectionID:        "vpsie-autoscaler-leader",
			LeaseDuration:           15 * time.Second,
			RenewDeadline:           10 * time.Second,
			RetryPeriod:             2 * time.Second,
			SyncPeriod:              10 * time.Minute,
			GracefulShutdownTimeout: 30 * time.Second,
		},
		Temporal: TemporalConfig{
			Address:   "127.0.0.1:7233",
			Namespace: "default",
			TaskQueue: "vpsie-autoscaler",
		},
		VPSie: VPSieConfig{
			APIShape: APIShapeA, // BaseURL, LoginPath, LoginEncoding and AuthHeader follow it when empty
			Credentials: VPSieCredentialsConfig{
				SecretName:      "vpsie-secret",
				SecretNamespace: "kube-system",
			},
			RateLimitPerMinute: 100,
			ListingLag:         20 * time.Second,
			Timeout:            30 * time.Second,
			TokenRefreshBefore: 5 * time.Minute,
			CircuitBreaker: VPSieCircuitBreakerConfig{
				FailureThreshold: 5,
				FailurePercent:   50,
				Window:           30 * time.Second,
				OpenTimeout:      30 * time.Second,
			},
		},
		ScaleUp: ScaleUpConfig{
			BatchIdle: 500 * time.Millisecond, BatchMax: time.Second, ResyncPeriod: 30 * time.Second,
			CatalogueRefresh: 10 * time.Minute, BootTimeout: 10 * time.Minute, JoinTimeout: 10 * time.Minute,
			ReadyTimeout: 5 * time.Minute, MinBackoff: 30 * time.Second, MaxBackoff: 10 * time.Minute, UnusedNodeGrace: 2 * time.Minute,
			ReservedCPUMillis: 100, ReservedMemoryMiB: 256, EvictionMemoryMiB: 100, MaxPodsPerNode: 110,
			JoinMode: JoinModePerNodeToken, JoinSecretName: "vpsie-join", JoinSecretNamespace: "kube-system",
		},
		ScaleDown: ScaleDownConfig{
			Enabled: true, Interval: 10 * time.Second, SampleCapacity: 360, EmptyNodeDelay: 2 * time.Minute,
			MaxParallelDrains: 1, DrainTimeout: 10 * time.Minute, UseMetrics: true,
		},
		Rebalance: RebalanceConfig{
			Enabled: true, Interval: time.Minute, ProgressInterval: 5 * time.Second, DrainTimeout: 10 * time.Minute,
			VerifyTimeout: 10 * time.Minute,
		},
		GC:      GCConfig{Enabled: true, Interval: 10 * time.Minute, Grace: 10 * time.Minute},
		Metrics: MetricsConfig{BindAddress: ":8080"},
		Health:  HealthConfig{BindAddress: ":8081"},
		Logging: LoggingConfig{Level: LogLevelInfo, Format: LogFormatJSON},
		Runtime: RuntimeConfig{GCPercent: 25},
		Tracing: TracingConfig{SamplePercent: 100},
		Webhook: WebhookConfig{Port: 9443, CertDir: "/tmp/k8s-webhook-server/serving-certs", ServiceAccount: "vpsie-autoscaler"},
	}
}
