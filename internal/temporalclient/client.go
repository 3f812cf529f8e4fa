package temporalclient

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

// ClientOptions turns Options into SDK client options, reading certificate and key files.
func ClientOptions(o Options) (client.Options, error) {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return client.Options{}, err
	}
	tlsCfg, err := tlsConfig(o.TLS)
	if err != nil {
		return client.Options{}, err
	}
	opts := client.Options{
		HostPort:          o.Address,
		Namespace:         o.Namespace,
		Identity:          o.Identity,
		Logger:            sdklog.NewStructuredLogger(o.Logger.With("component", "temporal-sdk")),
		ConnectionOptions: client.ConnectionOptions{TLS: tlsCfg},
		Interceptors:      o.Interceptors,
	}
	if o.APIKeyFile != "" {
		key, err := newAPIKeyFile(o.APIKeyFile)
		if err != nil {
			return client.Options{}, err
		}
		opts.Credentials = client.NewAPIKeyDynamicCredentials(key.get)
	}
	return opts, nil
}

// Dial connects eagerly (one GetSystemInfo call): a wrong address, certificate or API key
// fails start-up with a clear error instead of surfacing later as a stuck reconcile. A
// missing namespace surfaces when the worker starts. Once connected, the SDK reconnects
// by itself when the cluster restarts.
func Dial(ctx context.Context, o Options) (client.Client, error) {
	opts, err := ClientOptions(o)
	if err != nil {
		return nil, fmt.Errorf("building temporal client options: %w", err)
	}
	log := o.withDefaults().Logger
	log.Info("Connecting to Temporal", "address", opts.HostPort, "namespace", opts.Namespace,
		"identity", opts.Identity, "tls", opts.ConnectionOptions.TLS != nil, "apiKeySet", opts.Credentials != nil,
		"interceptors", len(opts.Interceptors))
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connecting to temporal at %s (namespace %s): %w", opts.HostPort, opts.Namespace, err)
	}
	return c, nil
}
