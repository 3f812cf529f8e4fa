package vpsie_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
)

func TestCredentialsNeverPrintTheSecret(t *testing.T) {
	c := vpsie.Credentials{ClientID: "id-1", ClientSecret: awkwardSecret, URL: "https://example.test/v2"}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("creds", "c", c, "secret", c.ClientSecret, "ptr", &c)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("creds", "c", c, "secret", c.ClientSecret)
	js, err := json.Marshal(map[string]any{"c": c, "s": c.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	renderings := map[string]string{
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c),
		"%s": fmt.Sprintf("%s", c), "%q secret": fmt.Sprintf("%q", c.ClientSecret),
		"%x secret": fmt.Sprintf("%x", c.ClientSecret), "%v ptr": fmt.Sprintf("%v", &c),
		"wrapped": fmt.Sprintf("%+v", struct{ C vpsie.Credentials }{c}),
		"json":    string(js), "slog": logs.String(),
	}
	for name, s := range renderings {
		if strings.Contains(s, awkwardSecret) || strings.Contains(s, "p&ss") {
			t.Errorf("%s rendering leaks the secret: %s", name, s)
		}
		if !strings.Contains(s, "REDACTED") {
			t.Errorf("%s rendering does not say it redacted: %s", name, s)
		}
	}
}

func TestCredentialsFromSecret(t *testing.T) {
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "vpsie"},
		Data: map[string][]byte{"clientId": []byte("id-1"), "clientSecret": []byte(awkwardSecret + "\n"),
			"url": []byte("https://sim.local/v2")},
	}
	incomplete := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "half"},
		Data: map[string][]byte{"clientSecret": []byte(awkwardSecret)}}
	kube := fake.NewClientset(secret, incomplete)

	c, err := vpsie.CredentialsFromSecret(t.Context(), kube, "kube-system", "vpsie")
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientID != "id-1" || string(c.ClientSecret) != awkwardSecret || c.URL != "https://sim.local/v2" {
		t.Fatalf("credentials = %v (secret intact: %v)", c, string(c.ClientSecret) == awkwardSecret)
	}
	for _, name := range []string{"half", "absent"} {
		_, err := vpsie.CredentialsFromSecret(t.Context(), kube, "kube-system", name)
		if err == nil || strings.Contains(err.Error(), awkwardSecret) {
			t.Fatalf("secret %s: err = %v, want an error without the secret", name, err)
		}
	}
}

func TestCredentialsFromFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	quoted, _ := json.Marshal(awkwardSecret)
	tests := []struct {
		name, path string
		ok         bool
	}{
		{"yaml", write("c.yaml", "clientId: id-1\nclientSecret: "+string(quoted)+"\n"), true},
		{"json", write("c.json", `{"clientId":"id-1","clientSecret":`+string(quoted)+`}`), true},
		{"missing secret", write("m.yaml", "clientId: id-1\n"), false},
		{"not yaml", write("bad.yaml", "clientId: [\nclientSecret: "+awkwardSecret+"\n"), false},
		{"absent file", filepath.Join(dir, "absent"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := vpsie.CredentialsFromFile(tt.path)
			if tt.ok {
				if err != nil || string(c.ClientSecret) != awkwardSecret || c.ClientID != "id-1" {
					t.Fatalf("c = %v, err = %v", c, err)
				}
				return
			}
			if err == nil || strings.Contains(err.Error(), "p&ss") {
				t.Fatalf("err = %v, want an error without the secret", err)
			}
		})
	}
}
