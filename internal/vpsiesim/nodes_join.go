package vpsiesim

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
	bootstraputil "k8s.io/cluster-bootstrap/token/util"
	bootstrapsecrets "k8s.io/cluster-bootstrap/util/secrets"
	"sigs.k8s.io/yaml"
)

// ErrJoinRefused wraps every reason a VM's `kubeadm join` fails: no Node registers.
var ErrJoinRefused = errors.New("kubeadm join refused")

// joinToken finds the token of a `kubeadm join` (--token X or --token=X).
var joinToken = regexp.MustCompile(`kubeadm\s+join\b[^\n]*?--token[=\s]+([^\s"']+)`)

// CheckUserDataFormat is what cloud-init does with user data before anything runs: a "#cloud-config" document must
// parse as YAML (a mapping), a "#!" script runs as it is; anything else runs nothing, so no kubelet ever starts.
func CheckUserDataFormat(userData string) error {
	switch {
	case strings.HasPrefix(userData, "#!"):
		return nil
	case strings.HasPrefix(userData, "#cloud-config"):
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(userData), &doc); err != nil {
			return fmt.Errorf("user data is not valid cloud-config: %w", err)
		}
		return nil
	}
	return errors.New("user data is neither #cloud-config nor a #! script: cloud-init runs nothing")
}

// checkJoin is a `kubeadm join` at boot: the token its command names must exist as a bootstrap token Secret in
// kube-system with the same secret, usable for authentication and not expired at now. A refusal wraps
// ErrJoinRefused (the node never registers); any other error is the API server's and worth another try.
func checkJoin(ctx context.Context, secrets typedcorev1.SecretsGetter, userData string, now time.Time) error {
	m := joinToken.FindStringSubmatch(userData)
	if m == nil {
		return fmt.Errorf("%w: the user data runs no `kubeadm join --token`", ErrJoinRefused)
	}
	if !bootstraputil.IsValidBootstrapToken(m[1]) {
		return fmt.Errorf("%w: --token is not a bootstrap token (<6 of [a-z0-9]>.<16 of [a-z0-9]>)", ErrJoinRefused)
	}
	id, secret, _ := strings.Cut(m[1], ".")
	name := bootstraputil.BootstrapTokenSecretName(id)
	s, err := secrets.Secrets(metav1.NamespaceSystem).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%w: token %s has no Secret %s/%s", ErrJoinRefused, id, metav1.NamespaceSystem, name)
	case err != nil:
		return fmt.Errorf("reading bootstrap token %s: %w", id, err)
	case s.Type != bootstrapapi.SecretTypeBootstrapToken:
		return fmt.Errorf("%w: Secret %s is of type %q", ErrJoinRefused, name, s.Type)
	case bootstrapsecrets.GetData(s, bootstrapapi.BootstrapTokenSecretKey) != secret:
		return fmt.Errorf("%w: token %s: wrong secret", ErrJoinRefused, id)
	case bootstrapsecrets.GetData(s, bootstrapapi.BootstrapTokenUsageAuthentication) != "true":
		return fmt.Errorf("%w: token %s is not usable for authentication", ErrJoinRefused, id)
	case bootstrapsecrets.HasExpired(s, now):
		return fmt.Errorf("%w: token %s expired at %s", ErrJoinRefused, id,
			bootstrapsecrets.GetData(s, bootstrapapi.BootstrapTokenExpirationKey))
	}
	return nil
}
