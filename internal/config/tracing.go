package config

// TracingConfig configures OpenTelemetry tracing (internal/tracing): one trace per node operation, from the
// controller's decision through its Temporal workflow and activities, exported over OTLP/gRPC.
type TracingConfig struct {
	Enabled       bool   `json:"enabled" doc:"Export traces; false (the default) builds no exporter and no Temporal tracing interceptor."`
	Endpoint      string `json:"endpoint" doc:"host:port of an OTLP/gRPC receiver (an OpenTelemetry Collector, Jaeger or Tempo, usually port 4317); required when enabled."`
	Insecure      bool   `json:"insecure" doc:"Send to endpoint without TLS (a collector in the same cluster or on this machine); false verifies it with the system roots."`
	SamplePercent int    `json:"samplePercent" doc:"Percentage of operations traced, 0 to 100; a workflow and its activities follow the decision that started them, so a trace is kept or dropped whole."`
}

func (v *validator) tracing() {
	t := &v.c.Tracing
	v.between(&t.SamplePercent, 0, 100)
	if !t.Enabled {
		return
	}
	if v.required(&t.Endpoint) {
		v.hostPort(&t.Endpoint)
	}
}
