package vpsie

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// tlsConfig enforces TLS 1.2+, verification on and, for TLS 1.2, only forward-secret AEAD suites (TLS 1.3 suites
// are not configurable and are all strong).
func tlsConfig(o *Options) (*tls.Config, error) {
	roots, err := rootCAs(o)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    roots,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
	}, nil
}

// rootCAs is the system pool plus the configured private CA; nil (system roots) when none is configured.
func rootCAs(o *Options) (*x509.CertPool, error) {
	pem := o.CACertPEM
	if o.CACertFile != "" {
		b, err := os.ReadFile(o.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA file: %w", err)
		}
		pem = append(append([]byte{}, pem...), b...)
	}
	if len(pem) == 0 {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("custom CA: no PEM certificate found")
	}
	return pool, nil
}

// newHTTPClient has no overall timeout: each request gets its own context deadline (Options.Timeout) under the
// caller's context, so the caller's deadline still applies and is not cut short by the http.Client.
func newHTTPClient(o *Options) (*http.Client, error) {
	tc, err := tlsConfig(o)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
	}
	return &http.Client{
		Transport: tr,
		// Never follow a redirect: it would resend the auth header to wherever the server points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}
