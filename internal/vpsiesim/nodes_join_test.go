package vpsiesim

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestKubeadmJoinNeedsALiveBootstrapTokenOfTheCluster(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	token := func(id, secret, auth string, expires time.Time) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "bootstrap-token-" + id},
			Type: "bootstrap.kubernetes.io/token", Data: map[string][]byte{"token-id": []byte(id),
				"token-secret": []byte(secret), "usage-bootstrap-authentication": []byte(auth),
				"expiration": []byte(expires.Format(time.RFC3339))}}
	}
	kube := fake.NewClientset(token("abcdef", "0123456789abcdef", "true", now.Add(time.Minute)),
		token("old123", "0123456789abcdef", "true", now.Add(-time.Minute)),
		token("sign00", "0123456789abcdef", "false", now.Add(time.Minute)))
	join := func(tok string) string {
		return "#cloud-config\nruncmd:\n  - kubeadm join 10.0.0.1:6443 --token " + tok + " --discovery-token-ca-cert-hash sha256:00\n"
	}
	tests := []struct {
		name, userData, wantErr string
	}{
		{name: "a live token of the cluster joins", userData: join("abcdef.0123456789abcdef")},
		{name: "--token= spelling joins too", userData: "#!/bin/sh\nkubeadm join h:6443 --token=abcdef.0123456789abcdef\n"},
		{name: "a token without its Secret (deleted, or never made)", userData: join("zzzzzz.0123456789abcdef"),
			wantErr: "token zzzzzz has no Secret kube-system/bootstrap-token-zzzzzz"},
		{name: "the right id with another secret", userData: join("abcdef.ffffffffffffffff"), wantErr: "wrong secret"},
		{name: "an expired token", userData: join("old123.0123456789abcdef"), wantErr: "expired"},
		{name: "a token not for authentication", userData: join("sign00.0123456789abcdef"), wantErr: "not usable for authentication"},
		{name: "no kubeadm join", userData: "#cloud-config\nruncmd:\n  - echo hi\n", wantErr: "runs no `kubeadm join --token`"},
		{name: "a malformed token", userData: join("ABC.def"), wantErr: "not a bootstrap token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkJoin(context.Background(), kube.CoreV1(), tt.userData, now)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrJoinRefused) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want a refused join with %q", err, tt.wantErr)
			}
		})
	}
}

func TestUserDataMustBeCloudConfigOrAScript(t *testing.T) {
	for _, tt := range []struct{ name, userData, wantErr string }{
		{name: "cloud-config", userData: "#cloud-config\nruncmd:\n  - echo hi\n"},
		{name: "a script", userData: "#!/bin/bash\necho hi\n"},
		{name: "cloud-config that is no YAML", userData: "#cloud-config\nruncmd: [\n", wantErr: "not valid cloud-config"},
		{name: "neither", userData: "echo hi\n", wantErr: "cloud-init runs nothing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckUserDataFormat(tt.userData)
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
