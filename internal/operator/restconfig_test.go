package operator

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

// A kubeconfig file (hack/dev.sh and the e2e harness) and the in-cluster configuration must give the clients the
// same rate: clientcmd leaves client-go's 5 requests a second, which collapsed a 1000-pod scale-up run out of cluster.
func TestRestConfigTakesTheConfiguredRateHoweverTheClusterIsFound(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	const file = "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n" +
		"contexts: [{name: c, context: {cluster: c}}]\ncurrent-context: c\n"
	if err := os.WriteFile(kubeconfig, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"kubeconfig file": kubeconfig, "$KUBECONFIG": ""} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", kubeconfig)
			c := config.Default().Controller
			c.Kubeconfig = path
			cfg, err := RestConfig(&c)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.QPS != 200 || cfg.Burst != 300 {
				t.Fatalf("QPS, Burst = %v, %d; want the configured 200, 300", cfg.QPS, cfg.Burst)
			}
		})
	}
}
