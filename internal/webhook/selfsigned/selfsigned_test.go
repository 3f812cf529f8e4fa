package selfsigned

import (
	"crypto/tls"
	"crypto/x509"
	"path/filepath"
	"testing"
)

func TestServingCertificateVerifiesForItsHostsAgainstTheCA(t *testing.T) {
	ca, err := NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	serial, err := ca.WriteServing(dir, "127.0.0.1", "webhook.svc")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if leaf.SerialNumber.Cmp(serial) != 0 {
		t.Errorf("serial %s, want %s", leaf.SerialNumber, serial)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.PEM)
	for _, host := range []string{"127.0.0.1", "webhook.svc"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: host}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "other.svc"}); err == nil {
		t.Error("verified for a host it was not made for")
	}
}
