package cloudinit

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit/sshkeytest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

func TestParseAuthorizedKeys(t *testing.T) {
	alice, bob := sshkeytest.PublicKey(t), sshkeytest.PublicKey(t)
	tests := []struct {
		name, text string
		want       []string
		wantErr    string
	}{
		{name: "keys with comments, blank lines and # comments", text: "# ops\n\n" + alice + " alice@laptop\n  " + bob + "  \n",
			want: []string{alice + " alice@laptop", bob}},
		{name: "nothing but comments: no key, no error", text: "# none yet\n\n", want: nil},
		{name: "a line that is no key names its line", text: alice + "\nssh-ed25519 not-base64 eve\n", wantErr: "line 2: not an OpenSSH public key"},
		{name: "options are refused, naming them and not their values", text: `from="10.0.0.0/8",no-pty ` + alice,
			wantErr: "line 1: authorized_keys options (from, no-pty) are not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAuthorizedKeys(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "10.0.0.0") {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestMergeKeysKeepsTheFirstOfEqualKeys(t *testing.T) {
	alice, bob := sshkeytest.PublicKey(t), sshkeytest.PublicKey(t)
	got := MergeKeys([]string{alice + " alice", "  " + alice + "   laptop ", bob, "ssh-ed25519 AAAAC3 fake", " ssh-ed25519  AAAAC3 fake", ""})
	want := []string{alice + " alice", bob, "ssh-ed25519 AAAAC3 fake"}
	if !slices.Equal(got, want) {
		t.Fatalf("MergeKeys = %q, want %q (the same key material with another comment is a duplicate)", got, want)
	}
}

func keySecret(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func TestPublicKeysMergesTheSpecsAndTheSecretsKeys(t *testing.T) {
	alice, bob, carol := sshkeytest.PublicKey(t), sshkeytest.PublicKey(t), sshkeytest.PublicKey(t)
	objs := []client.Object{
		keySecret("team", map[string]string{"b-ops": bob + " bob\n" + alice + " alice-again", "a-carol": carol}),
		keySecret("empty", map[string]string{"authorized_keys": "# nobody yet\n"}),
		keySecret("broken", map[string]string{"authorized_keys": alice + "\nnot a key\n"}),
	}
	tests := []struct {
		name       string
		secret     string
		keys       []string
		want       []string
		wantReason string
	}{
		{name: "no secret: the spec's keys", want: []string{alice + " alice"}},
		{name: "every data key, in key order, after the spec's, each key once", secret: "ns/team",
			want: []string{alice + " alice", carol, bob + " bob"}},
		{name: "the selected keys only", secret: "ns/team", keys: []string{"b-ops"}, want: []string{alice + " alice", bob + " bob"}},
		{name: "a missing secret", secret: "ns/gone", wantReason: ReasonSSHKeySecretNotFound},
		{name: "a selected key the secret lacks", secret: "ns/team", keys: []string{"c-none"}, wantReason: ReasonSSHKeySecretInvalid},
		{name: "a secret with no key", secret: "ns/empty", wantReason: ReasonSSHKeySecretNoKeys},
		{name: "a secret with a line that is no key", secret: "ns/broken", wantReason: ReasonSSHKeySecretInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &KeyReader{Reader: fake.NewClientBuilder().WithObjects(objs...).Build()}
			got, err := r.PublicKeys(context.Background(), contract.NodeTemplate{NodeGroup: "pool",
				SSHPublicKeys: []string{alice + " alice"}, SSHKeySecret: tt.secret, SSHKeySecretKeys: tt.keys})
			if tt.wantReason != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Reason != tt.wantReason || !strings.Contains(err.Error(), tt.secret) {
					t.Fatalf("error = %v, want reason %s naming %s", err, tt.wantReason, tt.secret)
				}
				for _, k := range []string{alice, bob, carol} {
					if strings.Contains(err.Error(), strings.Fields(k)[1]) {
						t.Fatalf("the error carries a key: %v", err)
					}
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
