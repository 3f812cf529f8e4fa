package cloudinit

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// MaxSSHKeys caps how many public keys one node gets (spec.sshPublicKeys and the Secret's
// together): a Secret is not bounded by the CRD's schema.
const MaxSSHKeys = 64

// PublicKeys are the OpenSSH public keys a node of t gets: spec.sshPublicKeys, then the
// keys of spec.sshKeySecretRef's Secret (read through reader, uncached), each key once.
// A reference whose Secret is missing, unreadable, has a line that is not a public key or
// has no key at all is an error (a *ConfigError): a node is never made without a key its
// group asked for. Errors name the Secret, its data key and line, never a key.
func PublicKeys(ctx context.Context, reader client.Reader, t contract.NodeTemplate) ([]string, error) {
	keys := slices.Clone(t.SSHPublicKeys)
	if t.SSHKeySecret != "" {
		fromSecret, err := secretKeys(ctx, reader, t)
		if err != nil {
			return nil, err
		}
		keys = append(keys, fromSecret...)
	}
	keys = MergeKeys(keys)
	if len(keys) > MaxSSHKeys {
		return nil, configError(ReasonSSHKeySecretInvalid, "NodeGroup %s has %d SSH public keys, more than %d",
			t.NodeGroup, len(keys), MaxSSHKeys)
	}
	return keys, nil
}

// KeyReader reads public keys for the create activity (activities.PublicKeyReader).
type KeyReader struct {
	// Reader is uncached: a key Secret is read once per create, and the autoscaler may
	// only get Secrets by name (no list or watch for a cache).
	Reader client.Reader
}

// PublicKeys is PublicKeys through the reader.
func (k *KeyReader) PublicKeys(ctx context.Context, t contract.NodeTemplate) ([]string, error) {
	return PublicKeys(ctx, k.Reader, t)
}

// secretKeys reads the group's SSH key Secret: every data value (or those of the keys the
// reference selects, in its order) is authorized_keys text.
func secretKeys(ctx context.Context, reader client.Reader, t contract.NodeTemplate) ([]string, error) {
	ns, name, ok := strings.Cut(t.SSHKeySecret, "/")
	if !ok {
		return nil, fmt.Errorf("ssh key secret %q: want namespace/name", t.SSHKeySecret)
	}
	if reader == nil {
		return nil, configError(ReasonBootstrapConfigUnreadable, "no reader for SSH key Secret %s", t.SSHKeySecret)
	}
	sec := &corev1.Secret{}
	if err := reader.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, sec); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, configError(ReasonSSHKeySecretNotFound, "SSH key Secret %s (spec.sshKeySecretRef) not found", t.SSHKeySecret)
		}
		return nil, configError(ReasonBootstrapConfigUnreadable, "reading SSH key Secret %s: %v", t.SSHKeySecret, err)
	}
	dataKeys := t.SSHKeySecretKeys
	if len(dataKeys) == 0 {
		dataKeys = sortedKeys(sec.Data)
	}
	var out []string
	for _, k := range dataKeys {
		v, ok := sec.Data[k]
		if !ok {
			return nil, configError(ReasonSSHKeySecretInvalid, "SSH key Secret %s has no key %q (spec.sshKeySecretRef.keys)",
				t.SSHKeySecret, k)
		}
		keys, err := ParseAuthorizedKeys(string(v))
		if err != nil {
			return nil, configError(ReasonSSHKeySecretInvalid, "SSH key Secret %s, key %q: %v", t.SSHKeySecret, k, err)
		}
		out = append(out, keys...)
	}
	if len(out) == 0 {
		return nil, configError(ReasonSSHKeySecretNoKeys, "SSH key Secret %s holds no public key (every data value "+
			"is authorized_keys lines)", t.SSHKeySecret)
	}
	return out, nil
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ParseAuthorizedKeys reads authorized_keys text: one OpenSSH public key a line ("type
// base64 [comment]"), blank lines and "#" comments skipped. A line that is not a public
// key, or carries options (from=, command=, ...), is an error naming its line number: VPSie
// installs bare keys, so an option would be dropped and the key would grant more than its
// line says. Keys come back as "type base64 [comment]".
func ParseAuthorizedKeys(text string) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := parseKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, k)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseKey checks one public key line and spells it canonically.
func parseKey(line string) (string, error) {
	pub, comment, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	switch {
	case err != nil:
		return "", fmt.Errorf("not an OpenSSH public key")
	case len(options) > 0:
		return "", fmt.Errorf("authorized_keys options (%s) are not supported: VPSie installs the bare key",
			optionNames(options))
	case len(strings.TrimSpace(string(rest))) > 0:
		return "", fmt.Errorf("more than one key on the line")
	}
	k := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if comment != "" {
		k += " " + comment
	}
	return k, nil
}

// optionNames lists the options' names only (their values may be long or private).
func optionNames(options []string) string {
	names := make([]string, 0, len(options))
	for _, o := range options {
		name, _, _ := strings.Cut(o, "=")
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// MergeKeys keeps the first of equal public keys, in order. Two keys are equal when their
// type and key material are (comments differ freely); text that is no parseable key is
// compared without the whitespace around and inside it.
func MergeKeys(keys []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		k = strings.Join(strings.Fields(k), " ")
		id := keyIdentity(k)
		if k == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, k)
	}
	return out
}

// keyIdentity is a key's type and material, or its text when it does not parse.
func keyIdentity(k string) string {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k))
	if err != nil {
		return k
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
}
