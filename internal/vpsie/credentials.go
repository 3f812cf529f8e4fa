package vpsie

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

const redacted = "[REDACTED]"

// Secret is a string that never prints itself: fmt, %#v, JSON and slog all see [REDACTED].
type Secret string

func (Secret) String() string               { return redacted }
func (Secret) GoString() string             { return redacted }
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (Secret) Format(f fmt.State, _ rune)   { _, _ = f.Write([]byte(redacted)) }
func (s Secret) reveal() string             { return string(s) }

// Credentials are the API client credentials. Every printable form redacts the secret.
type Credentials struct {
	ClientID     string
	ClientSecret Secret
	URL          string // optional API base URL from the Secret's url key
}

func (c Credentials) String() string {
	return fmt.Sprintf("vpsie.Credentials{ClientID:%q, ClientSecret:%s, URL:%q}", c.ClientID, redacted, c.URL)
}

func (c Credentials) GoString() string { return c.String() }

func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

func (c Credentials) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"clientId":%q,"clientSecret":%q,"url":%q}`, c.ClientID, redacted, c.URL), nil
}

func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("clientId", c.ClientID), slog.String("clientSecret", redacted),
		slog.String("url", c.URL))
}

// Secret keys, matching the earlier autoscaler's Secret.
const (
	SecretKeyClientID     = "clientId"
	SecretKeyClientSecret = "clientSecret"
	SecretKeyURL          = "url"
)

// CredentialsFromSecret reads clientId, clientSecret and the optional url from a Kubernetes Secret.
func CredentialsFromSecret(ctx context.Context, kube kubernetes.Interface, namespace, name string) (Credentials, error) {
	s, err := kube.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return Credentials{}, fmt.Errorf("reading vpsie credentials secret %s/%s: %w", namespace, name, err)
	}
	get := func(k string) string { return trimNewline(string(s.Data[k])) }
	c := Credentials{ClientID: get(SecretKeyClientID), ClientSecret: Secret(get(SecretKeyClientSecret)),
		URL: get(SecretKeyURL)}
	if err := c.check(); err != nil {
		return Credentials{}, fmt.Errorf("vpsie credentials secret %s/%s: %w", namespace, name, err)
	}
	return c, nil
}

// CredentialsFromFile reads a YAML or JSON file with the same keys as the Secret.
func CredentialsFromFile(path string) (Credentials, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Credentials{}, fmt.Errorf("reading vpsie credentials file: %w", err)
	}
	var f struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		URL          string `json:"url"`
	}
	// The parser's error text may quote the file, i.e. the secret: report only that parsing failed.
	if yaml.Unmarshal(raw, &f) != nil {
		return Credentials{}, fmt.Errorf("vpsie credentials file %s: not valid YAML or JSON", path)
	}
	c := Credentials{ClientID: trimNewline(f.ClientID), ClientSecret: Secret(trimNewline(f.ClientSecret)),
		URL: trimNewline(f.URL)}
	if err := c.check(); err != nil {
		return Credentials{}, fmt.Errorf("vpsie credentials file %s: %w", path, err)
	}
	return c, nil
}

func (c Credentials) check() error {
	if c.ClientID == "" || c.ClientSecret == "" {
		return errors.New("clientId and clientSecret are required")
	}
	return nil
}

// trimNewline drops the trailing newline that `echo` and editors leave; spaces are part of a secret.
func trimNewline(s string) string { return strings.TrimRight(s, "\r\n") }
