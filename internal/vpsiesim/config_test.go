package vpsiesim_test

import (
	"crypto/tls"
	"crypto/x509"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

func TestNewRejectsInvalidConfig(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*vpsiesim.Config)
	}{
		{"no credentials", func(c *vpsiesim.Config) { c.ClientSecret = "" }},
		{"empty catalogue", func(c *vpsiesim.Config) { c.Catalogue = vpsiesim.Catalogue{} }},
		{"capacity for unknown datacenter", func(c *vpsiesim.Config) {
			c.Capacity = map[string]vpsiesim.Capacity{"mars1": {VMs: 1}}
		}},
		{"negative boot delay", func(c *vpsiesim.Config) { c.BootDelay = -1 }},
		{"fault rate above 1", func(c *vpsiesim.Config) { c.Faults.Default.HangRate = 2 }},
		{"managed cluster without identifier", func(c *vpsiesim.Config) {
			c.ManagedClusters = []vpsiesim.ManagedCluster{managedCluster(func(m *vpsiesim.ManagedCluster) { m.Identifier = "" })}
		}},
		{"managed group of an unknown offering", func(c *vpsiesim.Config) {
			c.ManagedClusters = []vpsiesim.ManagedCluster{managedCluster(func(m *vpsiesim.ManagedCluster) { m.Groups[0].OfferingID = "none" })}
		}},
		{"managed group in an unknown datacenter", func(c *vpsiesim.Config) {
			c.ManagedClusters = []vpsiesim.ManagedCluster{managedCluster(func(m *vpsiesim.ManagedCluster) { m.Groups[0].DatacenterID = "mars1" })}
		}},
		{"two managed groups with one id", func(c *vpsiesim.Config) {
			c.ManagedClusters = []vpsiesim.ManagedCluster{managedCluster(func(m *vpsiesim.ManagedCluster) {
				m.Groups = append(m.Groups, m.Groups[0])
			})}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := vpsiesim.DefaultConfig()
			tt.mutate(&cfg)
			if _, err := vpsiesim.New(cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// managedCluster is a valid managed cluster of the default catalogue, changed by mutate.
func managedCluster(mutate func(*vpsiesim.ManagedCluster)) vpsiesim.ManagedCluster {
	m := vpsiesim.ManagedCluster{Identifier: "c-1", Name: "AMS-Kubernetes-1", KubeVersion: "1.36.3",
		Groups: []vpsiesim.ManagedGroup{{ID: 1, Name: "workers", OfferingID: "std-2c-4g", DatacenterID: "ams1"}}}
	mutate(&m)
	return m
}

func TestNewAcceptsAValidManagedCluster(t *testing.T) {
	cfg := vpsiesim.DefaultConfig()
	cfg.ManagedClusters = []vpsiesim.ManagedCluster{managedCluster(func(*vpsiesim.ManagedCluster) {})}
	if _, err := vpsiesim.New(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestSelfSignedTLSServesClientsThatTrustTheWrittenCA(t *testing.T) {
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	tlsCfg, err := vpsiesim.SelfSignedTLS([]string{"127.0.0.1", "localhost"}, caPath)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := vpsiesim.New(vpsiesim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(sim.Handler())
	srv.TLS = tlsCfg
	srv.StartTLS()
	defer srv.Close()

	pemBytes, err := os.ReadFile(caPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("CA file holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	form := url.Values{"clientId": {vpsiesim.DefaultClientID}, "clientSecret": {vpsiesim.DefaultClientSecret}}
	resp, err := client.Post(srv.URL+"/v2/auth/from/api", "application/x-www-form-urlencoded",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("TLS login: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("TLS login: %d", resp.StatusCode)
	}
}

func TestParseCapacity(t *testing.T) {
	tests := []struct {
		spec    string
		want    map[string]vpsiesim.Capacity
		wantErr bool
	}{
		{"tor1=10:40, ams1=50", map[string]vpsiesim.Capacity{"tor1": {VMs: 10, CPUs: 40}, "ams1": {VMs: 50}}, false},
		{"", map[string]vpsiesim.Capacity{}, false},
		{"tor1", nil, true},
		{"tor1=ten", nil, true},
		{"tor1=1:x", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := vpsiesim.ParseCapacity(tt.spec)
			if (err != nil) != tt.wantErr || (!tt.wantErr && !maps.Equal(got, tt.want)) {
				t.Fatalf("got %v, %v; want %v, err=%v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
