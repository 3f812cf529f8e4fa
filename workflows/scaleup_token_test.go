package workflows_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/bootstraptoken"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/workflows"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// tokenAPI is a VPSie account that keeps the user data of each create and, at the moment
// of the POST, whether the node's token Secret existed.
type tokenAPI struct {
	kube client.Client

	mu          sync.Mutex
	userData    []string
	tokenExists []bool
}

func (a *tokenAPI) GetVM(context.Context, string) (vpsie.VM, error) {
	return vpsie.VM{}, vpsie.ErrNotFound
}
func (a *tokenAPI) ListVMs(context.Context, vpsie.VMFilter) ([]vpsie.VM, error) {
	return nil, nil
}
func (a *tokenAPI) DeleteVM(context.Context, string) error { return nil }
func (a *tokenAPI) CreateVM(ctx context.Context, req vpsie.CreateVMRequest) (vpsie.VM, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.userData = append(a.userData, req.UserData)
	var secrets corev1.SecretList
	_ = a.kube.List(ctx, &secrets, client.InNamespace("kube-system"))
	a.tokenExists = append(a.tokenExists, len(secrets.Items) == 1)
	return vpsie.VM{Identifier: "vps-" + req.Hostname, Hostname: req.Hostname, Status: "creating"}, nil
}

// The real create activity issues each node its own bootstrap token and renders it into
// the user data; the token is in no activity input, result or error, nor the workflow's
// input or result (everything a history holds), and its Secret is gone at the end, after
// a join and after a compensation alike.
func TestScaleUpTokenNeverEntersTheHistoryAndIsRevoked(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fakes *scaleUpFakes
	}{
		{name: "the node joins", fakes: &scaleUpFakes{boot: "running"}},
		{name: "the node never joins and is compensated", fakes: &scaleUpFakes{boot: "running", joinTimesOut: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kube := fake.NewClientBuilder().Build()
			issuer := &bootstraptoken.Issuer{Client: kube}
			api := &tokenAPI{kube: kube}
			real := &activities.VPSie{API: api, ListingLag: time.Second, UserData: &cloudinit.Renderer{Reader: kube,
				Join: &cloudinit.PerNodeTokens{Issuer: issuer, Reader: kube, Configured: bootstraptoken.Discovery{
					APIServerEndpoint: "10.0.0.1:6443", CACertHash: "sha256:" + strings.Repeat("ab", 32)}}}}
			var s testsuite.WorkflowTestSuite
			env := s.NewTestWorkflowEnvironment()
			workflows.Register(env)
			tt.fakes.register(env)
			override := activity.RegisterOptions{DisableAlreadyRegisteredCheck: true}
			override.Name = contract.CreateOwnedVPSActivity
			env.RegisterActivityWithOptions(real.CreateOwnedVPS, override)
			override.Name = contract.RevokeBootstrapTokenActivity
			env.RegisterActivityWithOptions((&activities.Kube{Client: kube, Tokens: issuer}).RevokeBootstrapToken, override)
			var mu sync.Mutex
			var history []string
			keep := func(s string) { mu.Lock(); defer mu.Unlock(); history = append(history, s) }
			env.SetOnActivityStartedListener(func(_ *activity.Info, _ context.Context, args converter.EncodedValues) {
				var raw json.RawMessage
				if err := args.Get(&raw); err == nil {
					keep(string(raw))
				}
			})
			env.SetOnActivityCompletedListener(func(_ *activity.Info, result converter.EncodedValue, err error) {
				var raw json.RawMessage
				if result != nil && result.HasValue() && result.Get(&raw) == nil {
					keep(string(raw))
				}
				if err != nil {
					keep(err.Error())
				}
			})
			in := contract.ScaleUpInput{Namespace: "ns", NodeGroup: "g", Cluster: "c1", Batch: "b1",
				Template: contract.NodeTemplate{NodeGroup: "g", ImageID: "img", KubernetesVersion: "v1.36.3"},
				Nodes:    []contract.NodeRequest{{Name: "n-1", Placements: []contract.Placement{{OfferingID: "std-1", DatacenterID: "ams1"}}}},
				Timeouts: contract.ScaleUpTimeouts{Boot: time.Minute, Join: time.Minute, Ready: time.Minute}}
			res := runScaleUp(t, env, in)
			wf, _ := json.Marshal([]any{in, res})
			history = append(history, string(wf))

			if len(api.userData) != 1 || !api.tokenExists[0] {
				t.Fatalf("creates %d, token Secret existed at the POST: %v", len(api.userData), api.tokenExists)
			}
			m := regexp.MustCompile(`--token ([a-z0-9]{6})\.([a-z0-9]{16})`).FindStringSubmatch(api.userData[0])
			if m == nil || m[1] != bootstraptoken.ID("uid-n-1") {
				t.Fatalf("user data names no token of the node:\n%s", api.userData[0])
			}
			if !strings.Contains(strings.Join(history, "\n"), `"vpsID":"vps-n-1"`) {
				t.Fatalf("the listeners did not see the create's result: %v", history)
			}
			for _, h := range history {
				if strings.Contains(h, m[2]) {
					t.Errorf("the token's secret is in the history: %s", h)
				}
			}
			var left corev1.SecretList
			if err := kube.List(context.Background(), &left); err != nil || len(left.Items) != 0 {
				t.Errorf("token Secrets left after the run: %d %v", len(left.Items), err)
			}
		})
	}
}
