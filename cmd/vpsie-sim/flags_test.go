package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsiesim"
)

const envSecret = "env-secret-do-not-print"

func TestUsageNeverPrintsTheClientSecret(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr error
	}{
		{name: "help", args: []string{"-h"}, wantErr: flag.ErrHelp},
		{name: "unknown flag", args: []string{"--no-such-flag"}},
		{name: "bad value", args: []string{"--seed", "not-a-number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("VPSIE_SIM_CLIENT_SECRET", envSecret)
			var out bytes.Buffer
			_, err := parseFlags(tt.args, &out)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("parseFlags(%q) = %v, want an error (%v)", tt.args, err, tt.wantErr)
			}
			if !strings.Contains(out.String(), "-client-secret") {
				t.Fatalf("usage not printed:\n%s", out.String())
			}
			for _, secret := range []string{envSecret, vpsiesim.DefaultClientSecret} {
				if strings.Contains(out.String(), secret) {
					t.Fatalf("usage prints the secret %q:\n%s", secret, out.String())
				}
			}
		})
	}
}

func TestClientSecretComesFromFlagThenEnvThenDefault(t *testing.T) {
	tests := []struct {
		name, env string
		args      []string
		want      string
	}{
		{name: "flag wins over env", env: envSecret, args: []string{"--client-secret", "from-flag"}, want: "from-flag"},
		{name: "env without flag", env: envSecret, want: envSecret},
		{name: "built-in default without either", want: vpsiesim.DefaultClientSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("VPSIE_SIM_CLIENT_SECRET", tt.env)
			var out bytes.Buffer
			o, err := parseFlags(tt.args, &out)
			if err != nil {
				t.Fatalf("parseFlags: %v\n%s", err, out.String())
			}
			if o.cfg.ClientSecret != tt.want {
				t.Fatalf("client secret = %q, want %q", o.cfg.ClientSecret, tt.want)
			}
		})
	}
}

func TestRealismFlagsSetTheConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want vpsiesim.Realism
	}{
		{name: "defaults are strict: no lag, pages of 25, deleted VMs listed 10s, Nodes left behind",
			want: vpsiesim.Realism{PageSize: vpsiesim.DefaultPageSize, DeletedRetention: vpsiesim.DefaultDeletedRetention}},
		{name: "every knob", args: []string{"--listing-lag", "2s", "--listing-lag-lookups", "3", "--page-size", "10",
			"--deleted-retention", "1m", "--remove-nodes"},
			want: vpsiesim.Realism{ListingLag: 2 * time.Second, ListingLagLookups: 3, PageSize: 10,
				DeletedRetention: time.Minute, RemoveNodes: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			o, err := parseFlags(tt.args, &out)
			if err != nil {
				t.Fatalf("parseFlags: %v\n%s", err, out.String())
			}
			if o.cfg.Realism != tt.want {
				t.Fatalf("realism = %+v, want %+v", o.cfg.Realism, tt.want)
			}
			if _, err := vpsiesim.New(o.cfg); err != nil {
				t.Fatalf("the flags make an invalid config: %v", err)
			}
		})
	}
}

func TestKubeletFlagsAreStrictByDefault(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want vpsiesim.KubeletOptions
	}{
		{name: "defaults: NotReady for 3s, nothing lenient", want: vpsiesim.KubeletOptions{ReadyDelay: vpsiesim.DefaultReadyDelay}},
		{name: "every knob", args: []string{"--node-ready-delay", "10s", "--lenient-vm-labels", "--lenient-provider-id",
			"--lenient-kubelet-version", "v1.30.0", "--lenient-join-token"},
			want: vpsiesim.KubeletOptions{ReadyDelay: 10 * time.Second, LenientVMLabels: true, LenientProviderID: true,
				LenientKubeletVersion: "v1.30.0", LenientJoinToken: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			o, err := parseFlags(tt.args, &out)
			if err != nil {
				t.Fatalf("parseFlags: %v\n%s", err, out.String())
			}
			if o.cfg.Kubelet != tt.want {
				t.Fatalf("kubelet = %+v, want %+v", o.cfg.Kubelet, tt.want)
			}
		})
	}
}

// The simulated kubelet registers every Node through this client: at client-go's default of 5 requests a second
// a 1000-node scale-up would be paced by the simulator, not by the product.
func TestKubeClientRateComesFromFlags(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	const cfg = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n" +
		"contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {token: t}}]\n"
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantQPS float32
		wantErr string
	}{
		{name: "default holds a burst", args: nil, wantQPS: 200},
		{name: "flag", args: []string{"--kube-qps", "50", "--kube-burst", "60"}, wantQPS: 50},
		{name: "burst below rate", args: []string{"--kube-qps", "50", "--kube-burst", "10"},
			wantErr: "--kube-burst at least --kube-qps, got 50 and 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(append([]string{"--kubeconfig", kubeconfig}, tt.args...), io.Discard)
			if err == nil {
				err = o.complete()
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cs := o.cfg.Kube.(*kubernetes.Clientset)
			if got := cs.CoreV1().RESTClient().GetRateLimiter().QPS(); got != tt.wantQPS {
				t.Fatalf("QPS = %v, want %v", got, tt.wantQPS)
			}
		})
	}
}

func TestManagedClustersComeFromTheirFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "managed.json")
	const cluster = `[{"identifier": "c-1", "name": "AMS-Kubernetes-1", "kube_version": "1.36.3",
		"groups": [{"id": 7, "name": "workers", "offering_id": "std-2c-4g", "datacenter_id": "ams1"}]}]`
	typo := filepath.Join(dir, "typo.json")
	for path, body := range map[string]string{good: cluster, typo: `[{"identifer": "c-1"}]`} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o, err := parseFlags([]string{"--managed-clusters", good}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.cfg.ManagedClusters; len(got) != 1 || got[0].Identifier != "c-1" || got[0].Groups[0].ID != 7 {
		t.Fatalf("managed clusters = %+v", got)
	}
	if _, err := vpsiesim.New(o.cfg); err != nil {
		t.Fatalf("the simulator refuses the file's cluster: %v", err)
	}
	if _, err := parseFlags([]string{"--managed-clusters", typo}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--managed-clusters") || !strings.Contains(err.Error(), "identifer") {
		t.Fatalf("a misspelt field: error = %v, want it to name the flag and the field", err)
	}
}
