// Package selfsigned makes a throwaway CA and a serving certificate signed by it,
// written as tls.crt and tls.key the way a kubernetes.io/tls Secret is mounted.
// Tests and local mode use it; clusters use cert-manager or their own PKI.
package selfsigned
