package cloudinit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// needTool finds a command the check needs. Outside CI a missing one skips with what to
// install; CI installs both (hack/local-cluster/deps.sh --lint), so there it fails.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (Debian package %s; hack/local-cluster/deps.sh --lint installs it)", name, pkg)
	}
	t.Skipf("%s is not installed: apt-get install %s to run this check (CI does)", name, pkg)
	return ""
}

// The default user data of a node on each supported image is valid cloud-config by
// cloud-init's own schema, and the install script it writes is shellcheck-clean.
func TestDefaultUserDataPassesCloudInitSchemaAndShellcheck(t *testing.T) {
	cloudInit := needTool(t, "cloud-init", "cloud-init")
	shellcheck := needTool(t, "shellcheck", "shellcheck")
	r := &Renderer{Join: staticJoin{}, Reserves: Reserves{CPUMillis: 100, MemoryMiB: 256, EvictionMemoryMiB: 100, MaxPods: 110}}
	for _, image := range []string{"ubuntu-24.04-x64", "debian-12-x64"} {
		t.Run(image, func(t *testing.T) {
			tmpl := contract.NodeTemplate{NodeGroup: "pool", ImageID: image, KubernetesVersion: "v1.36.3",
				Labels: map[string]string{"team": "a"}, Taints: []contract.Taint{{Key: "gpu", Value: "true", Effect: "NoSchedule"}}}
			userData, err := r.Render(context.Background(), contract.CreateOwnedVPSInput{Hostname: "pool-b1-0",
				OfferingID: "std-2c-4g", DatacenterID: "ams1", ImageID: image, Join: &tmpl})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "user-data")
			if err := os.WriteFile(file, []byte(userData), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(cloudInit, "schema", "--config-file", file).CombinedOutput(); err != nil {
				t.Fatalf("cloud-init schema: %v\n%s\n%s", err, out, userData)
			}
			var doc struct {
				WriteFiles []struct{ Path, Content string } `json:"write_files"`
			}
			if err := yaml.Unmarshal([]byte(userData), &doc); err != nil {
				t.Fatal(err)
			}
			script := ""
			for _, f := range doc.WriteFiles {
				if f.Path == InstallPath {
					script = f.Content
				}
			}
			if !strings.HasPrefix(script, "#!/usr/bin/env bash\n") || !strings.Contains(script, "'kubelet=1.36.3-*'") {
				t.Fatalf("no install script at %s in:\n%s", InstallPath, userData)
			}
			path := filepath.Join(dir, "install.sh")
			if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(shellcheck, "--severity=style", path).CombinedOutput(); err != nil {
				t.Fatalf("shellcheck of the install script: %v\n%s", err, out)
			}
		})
	}
}

type staticJoin struct{}

func (staticJoin) Join(context.Context, contract.CreateOwnedVPSInput) (Join, error) {
	return Join{APIServerEndpoint: "10.0.0.1:6443", Token: "abcdef.0123456789abcdef", CACertHash: "sha256:00ff"}, nil
}
