package integration

import (
	"os"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
)

// kube is the package's control plane, started once in TestMain.
var kube *testenv.Env

func TestMain(m *testing.M) {
	os.Exit(testenv.RunMain(m, &kube))
}

// needKube skips a test when TestMain found no control-plane binaries
// outside CI (RunMain fails the run in CI instead).
func needKube(t *testing.T) *testenv.Env {
	t.Helper()
	if kube == nil {
		t.Skip("no control plane")
	}
	return kube
}
