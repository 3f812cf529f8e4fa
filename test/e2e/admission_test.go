//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
	"github.com/vpsie/vpsie-autoscaler/internal/testenv"
	"github.com/vpsie/vpsie-autoscaler/internal/webhook/selfsigned"
)

// admission is the autoscaler's webhook server as the stack's apiserver reaches it: out of
// the cluster on loopback, by URL, trusting a CA of the test's own as the chart's
// certificate would be trusted through caBundle.
type admission struct {
	port  int
	ca    []byte
	flags []string
}

// newAdmission makes a serving certificate for 127.0.0.1 and the flags that make the
// autoscaler serve its webhooks with it.
func newAdmission(t *testing.T) *admission {
	t.Helper()
	dir := t.TempDir()
	ca, err := selfsigned.NewCA("e2e-webhook-ca")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.WriteServing(dir, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	addr, err := freeport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}
	return &admission{port: port, ca: ca.PEM, flags: []string{"--webhook.enabled=true",
		"--webhook.port=" + strconv.Itoa(port), "--webhook.cert-dir=" + dir}}
}

// install registers deploy/webhook's configurations (testenv.LocalWebhooks: pointed at the
// autoscaler's server, trusting the test's CA), for NodeGroups and VPSieNodes of namespace ns
// and the Nodes labelled nodeLabels. Called after the autoscaler started, they are removed
// before it stops, so no later test meets a webhook nobody serves. It returns once the
// apiserver calls them.
func (a *admission) install(t *testing.T, ns string, nodeLabels map[string]string) {
	t.Helper()
	ctx := context.Background()
	vwc, mwc, err := testenv.LocalWebhooks(fmt.Sprintf("127.0.0.1:%d", a.port), a.ca, ns, nodeLabels)
	if err != nil {
		t.Fatal(err)
	}
	create(t, vwc, mwc)
	t.Cleanup(func() {
		_ = env.kube.Delete(ctx, vwc)
		_ = env.kube.Delete(ctx, mwc)
	})
	probe := invalidNodeGroup(ns, "webhook-probe")
	eventually(t, time.Minute, "the apiserver calling the autoscaler's NodeGroup webhook", func() error {
		err := env.kube.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		if err == nil || !strings.Contains(err.Error(), "denied the request") {
			return fmt.Errorf("want the webhook's denial, got %v", err)
		}
		return nil
	})
}

// invalidNodeGroupField is the field invalidNodeGroup gets wrong, as the webhook names it.
const invalidNodeGroupField = `spec.rebalancePolicy.maintenanceWindows[0].timeZone: unknown time zone "Mars/Olympus"`

// invalidNodeGroup is a NodeGroup the CRD's schema admits and the webhook refuses: its
// maintenance window's time zone does not exist.
func invalidNodeGroup(ns, name string) *v1alpha1.NodeGroup {
	g := sdGroup(ns, name)
	g.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{
		{Start: "02:00", DurationMinutes: 60, TimeZone: "Mars/Olympus"}}
	return g
}
