package bootstraptoken

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
	bootstrapsecrets "k8s.io/cluster-bootstrap/util/secrets"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

func TestTokenIDIsAValidBootstrapTokenIDStablePerVPSieNode(t *testing.T) {
	id := regexp.MustCompile(bootstrapapi.BootstrapTokenIDPattern)
	a, b := ID("0b6f2c1e-6d1a-4f6e-9c54-7d0c3f1b2a10"), ID("0b6f2c1e-6d1a-4f6e-9c54-7d0c3f1b2a11")
	if !id.MatchString(a) || !id.MatchString(b) {
		t.Fatalf("ids %q %q are not bootstrap token ids", a, b)
	}
	if a == b || a != ID("0b6f2c1e-6d1a-4f6e-9c54-7d0c3f1b2a10") {
		t.Fatalf("ids %q %q: want one per UID, the same every time", a, b)
	}
}

func TestIssueCreatesAKubeadmNodeTokenThatExpiresAndRevokeDeletesIt(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c := fake.NewClientBuilder().Build()
	i := &Issuer{Client: c, Clock: clocktesting.NewFakePassiveClock(now)}
	o := Owner{Namespace: "ns", Name: "pool-b1-0", UID: "uid-1"}
	ctx := context.Background()
	token, err := i.Issue(ctx, o, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(bootstrapapi.BootstrapTokenPattern).MatchString(token) || !strings.HasPrefix(token, ID("uid-1")+".") {
		t.Fatalf("token %q is not <id>.<secret> with the owner's id", token)
	}
	s := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "kube-system", Name: "bootstrap-token-" + ID("uid-1")}, s); err != nil {
		t.Fatal(err)
	}
	data := func(k string) string { return s.StringData[k] } // the fake keeps StringData as written
	want := map[string]string{"token-id": ID("uid-1"), "token-secret": strings.TrimPrefix(token, ID("uid-1")+"."),
		"usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true",
		"auth-extra-groups": "system:bootstrappers:kubeadm:default-node-token", "expiration": "2026-12-07T12:30:00Z"}
	for k, v := range want {
		if data(k) != v {
			t.Errorf("%s = %q, want %q", k, data(k), v)
		}
	}
	if s.Type != "bootstrap.kubernetes.io/token" || s.Labels[LabelVPSieNode] != "ns.pool-b1-0" {
		t.Errorf("type %q labels %v", s.Type, s.Labels)
	}
	s.Data = map[string][]byte{"expiration": []byte(want["expiration"])}
	if bootstrapsecrets.HasExpired(s, now.Add(29*time.Minute)) || !bootstrapsecrets.HasExpired(s, now.Add(31*time.Minute)) {
		t.Error("the token does not expire after its lifetime")
	}

	again, err := i.Issue(ctx, o, 30*time.Minute)
	if err != nil || again == token || !strings.HasPrefix(again, ID("uid-1")+".") {
		t.Fatalf("a second issue (an attempt that POSTs again) = %q, %v; want a fresh secret for the same id", again, err)
	}
	for range 2 {
		if err := i.Revoke(ctx, "uid-1"); err != nil {
			t.Fatalf("revoke (twice is fine): %v", err)
		}
	}
	var left corev1.SecretList
	if err := c.List(ctx, &left); err != nil || len(left.Items) != 0 {
		t.Fatalf("secrets left after revoke: %v %v", left.Items, err)
	}
	if _, err := i.Issue(ctx, Owner{Name: "x"}, time.Minute); err == nil {
		t.Error("a token without the VPSieNode's UID was issued")
	}
}

const testCA = `-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUQxOChA22KEVDjw3AjJkugtyyaHEwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjEyMDcxMjAxMzBaGA8yMTI2MTEx
MzEyMDEzMFowFTETMBEGA1UEAwwKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABFsT5SC7xhggsPBN0w5X2ZWa5RVgC5prON23jG6FPqqPUICk8ysf
/SAIf1gnHpcrvQcs2wCyNGOkHUsA8Q9CtcGjUzBRMB0GA1UdDgQWBBSRV8wykld7
Lo1Sj1fCRGCKRBKofjAfBgNVHSMEGDAWgBSRV8wykld7Lo1Sj1fCRGCKRBKofjAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDPGxXEEsLeFDb3wFQU
xAKu0DYNSfpyLedZJ5hLR3GAQwIgb9Qa3dRBDS+EXkM63VsZfELSIQ+xFCS3QrHJ
se+gAmU=
-----END CERTIFICATE-----
`

// testCAHash is what `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum` says of testCA:
// kubeadm's hash of the CA's SubjectPublicKeyInfo.
const testCAHash = "sha256:edb06f40a899456264fb94b5c46a01b4acc0b4ded8196fdb5d59699a66b7eb16"

func TestDiscoverReadsClusterInfoUnlessConfigured(t *testing.T) {
	kubeconfig := "apiVersion: v1\nkind: Config\nclusters:\n- name: \"\"\n  cluster:\n    server: https://10.0.0.1:6443\n" +
		"    certificate-authority-data: " + b64(testCA) + "\n"
	info := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-public", Name: "cluster-info"},
		Data: map[string]string{"kubeconfig": kubeconfig}}
	broken := info.DeepCopy()
	broken.Data["kubeconfig"] = "apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster:\n    server: https://h:1\n" +
		"    certificate-authority-data: " + b64("not a certificate") + "\n"
	tests := []struct {
		name       string
		objects    []client.Object
		configured Discovery
		want       Discovery
		wantErr    string
	}{
		{name: "from cluster-info", objects: []client.Object{info},
			want: Discovery{APIServerEndpoint: "10.0.0.1:6443", CACertHash: testCAHash}},
		{name: "a configured endpoint wins, the hash from cluster-info", objects: []client.Object{info},
			configured: Discovery{APIServerEndpoint: "lb.example:6443"},
			want:       Discovery{APIServerEndpoint: "lb.example:6443", CACertHash: testCAHash}},
		{name: "both configured: cluster-info not needed", configured: Discovery{APIServerEndpoint: "a:1", CACertHash: "sha256:ab"},
			want: Discovery{APIServerEndpoint: "a:1", CACertHash: "sha256:ab"}},
		{name: "no cluster-info: an error that says what to configure", wantErr: "kube-public/cluster-info"},
		{name: "a CA that is no certificate", objects: []client.Object{broken}, wantErr: "not a PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fake.NewClientBuilder().WithObjects(tt.objects...).Build()
			got, err := Discover(context.Background(), r, tt.configured)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
