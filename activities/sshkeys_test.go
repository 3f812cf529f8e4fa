package activities_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/activities"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit/sshkeytest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// The keys of the group's Secret reach the create call, after the spec's and each once, and
// the simulator records them; the workflow's input names only the Secret. Without the Secret
// the create fails (retryably: an operator creates it) before any user data is rendered or
// any POST is sent.
func TestCreateOwnedVPSSendsTheKeysOfTheGroupsSecret(t *testing.T) {
	alice, bob := sshkeytest.PublicKey(t), sshkeytest.PublicKey(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "ops-keys"},
		Data: map[string][]byte{"authorized_keys": []byte("# ops\n" + bob + " bob\n" + alice + " alice-again\n")}}
	for _, tt := range []struct {
		name    string
		secret  bool
		wantErr string
	}{
		{name: "the secret exists", secret: true},
		{name: "the secret is missing", wantErr: "SSH key Secret ns/ops-keys (spec.sshKeySecretRef) not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := simulatedVPSie(t, 0, nil)
			b := fake.NewClientBuilder()
			if tt.secret {
				b = b.WithObjects(secret)
			}
			rendered := 0
			v := &activities.VPSie{API: a.api, SSHKeys: &cloudinit.KeyReader{Reader: b.Build()},
				UserData: renderFunc(func(context.Context, contract.CreateOwnedVPSInput) (string, error) {
					rendered++
					return "#!/bin/sh\n", nil
				})}
			join := &contract.NodeTemplate{NodeGroup: "g", SSHPublicKeys: []string{alice + " alice"}, SSHKeySecret: "ns/ops-keys"}
			in := contract.CreateOwnedVPSInput{Owner: owner, Hostname: "host-keys", OfferingID: "std-2c-4g",
				DatacenterID: "ams1", ImageID: "ubuntu-24.04-x64", Join: join}
			_, err := run[contract.CreateOwnedVPSResult](t, v, contract.CreateOwnedVPSActivity, in)
			vms := a.sim.Snapshot().VMs
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || len(vms) != 0 || rendered != 0 {
					t.Fatalf("error %v, %d VMs, %d renders; want %q, no VM and no user data (no token)", err, len(vms), rendered, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := []string{alice + " alice", bob + " bob"}
			if len(vms) != 1 {
				t.Fatalf("the simulator has %d VMs, want 1", len(vms))
			}
			if !slices.Equal(vms[0].SSHKeys, want) {
				t.Fatalf("the simulator received keys %q, want %q", vms[0].SSHKeys, want)
			}
		})
	}
}
