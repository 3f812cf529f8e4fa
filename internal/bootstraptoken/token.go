package bootstraptoken

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
	bootstraputil "k8s.io/cluster-bootstrap/token/util"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Namespace is where the API server's bootstrap authenticator looks for tokens.
const Namespace = metav1.NamespaceSystem

// NodeGroup is the group kubeadm's default RBAC lets post CSRs and have them approved
// (system:bootstrappers:kubeadm:default-node-token), so a node joins as with `kubeadm token create`.
const NodeGroup = "system:bootstrappers:kubeadm:default-node-token"

// LabelVPSieNode names the VPSieNode ("<namespace>.<name>") a token was made for, so an
// operator can see whose it is (`kubectl -n kube-system get secrets -l ...`).
const LabelVPSieNode = "autoscaler.vpsie.com/vpsienode"

// idAlphabet is the token ID's alphabet ([a-z0-9], bootstraputil.BootstrapTokenIDBytes long).
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// ID is the token ID of the VPSieNode with this UID. It is derived from the UID (a
// random UUID) rather than drawn afresh so that every attempt of the create activity and
// the compensation name the same Secret without the ID ever having to travel through a
// workflow result: a create whose answer was lost cannot leak a token. The ID is the
// public half of a token; the secret half is random per issue.
func ID(uid string) string {
	sum := sha256.Sum256([]byte("vpsie-autoscaler/bootstrap-token/" + uid))
	id := make([]byte, bootstrapapi.BootstrapTokenIDBytes)
	for i := range id {
		id[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return string(id)
}

// SecretName is the name of the Secret of the VPSieNode with this UID.
func SecretName(uid string) string {
	return bootstraputil.BootstrapTokenSecretName(ID(uid))
}

// Issuer creates and deletes the token Secrets. Its client needs only create and delete
// on Secrets in kube-system: it never reads one.
type Issuer struct {
	Client client.Client
	Clock  clock.PassiveClock
}

// Owner is the VPSieNode a token is for.
type Owner struct {
	Namespace, Name, UID string
}

// Issue creates the owner's token, valid for ttl, and returns it ("<id>.<secret>"). A
// Secret left by an earlier attempt is replaced: this client cannot read it, and an
// earlier attempt's VPS was not created (the create activity issues only right before it
// POSTs), so nothing uses it.
func (i *Issuer) Issue(ctx context.Context, o Owner, ttl time.Duration) (string, error) {
	if o.UID == "" || ttl <= 0 {
		return "", fmt.Errorf("issuing a bootstrap token needs the VPSieNode's UID and a positive lifetime")
	}
	random, err := bootstraputil.GenerateBootstrapToken()
	if err != nil {
		return "", fmt.Errorf("generating a bootstrap token for %s/%s: %w", o.Namespace, o.Name, err)
	}
	_, tokenSecret, _ := strings.Cut(random, ".")
	s := i.secret(o, ID(o.UID), tokenSecret, ttl)
	err = i.Client.Create(ctx, s)
	if apierrors.IsAlreadyExists(err) {
		if err = i.Revoke(ctx, o.UID); err == nil {
			s = i.secret(o, ID(o.UID), tokenSecret, ttl)
			err = i.Client.Create(ctx, s)
		}
	}
	if err != nil {
		return "", fmt.Errorf("creating bootstrap token Secret %s/%s for %s/%s: %w", Namespace, s.Name,
			o.Namespace, o.Name, err)
	}
	return bootstraputil.TokenFromIDAndSecret(ID(o.UID), tokenSecret), nil
}

func (i *Issuer) secret(o Owner, id, tokenSecret string, ttl time.Duration) *corev1.Secret {
	expires := i.now().Add(ttl).UTC().Format(time.RFC3339)
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: Namespace, Name: bootstraputil.BootstrapTokenSecretName(id),
			Labels: map[string]string{LabelVPSieNode: o.Namespace + "." + o.Name}},
		Type: bootstrapapi.SecretTypeBootstrapToken,
		StringData: map[string]string{
			bootstrapapi.BootstrapTokenDescriptionKey:      "vpsie-autoscaler: join token of VPSieNode " + o.Namespace + "/" + o.Name,
			bootstrapapi.BootstrapTokenIDKey:               id,
			bootstrapapi.BootstrapTokenSecretKey:           tokenSecret,
			bootstrapapi.BootstrapTokenExpirationKey:       expires,
			bootstrapapi.BootstrapTokenUsageAuthentication: "true",
			bootstrapapi.BootstrapTokenUsageSigningKey:     "true",
			bootstrapapi.BootstrapTokenExtraGroupsKey:      NodeGroup,
		},
	}
}

// Revoke deletes the token of the VPSieNode with this UID; one already gone is fine.
func (i *Issuer) Revoke(ctx context.Context, uid string) error {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: Namespace, Name: SecretName(uid)}}
	if err := i.Client.Delete(ctx, s); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting bootstrap token Secret %s/%s: %w", Namespace, s.Name, err)
	}
	return nil
}

func (i *Issuer) now() time.Time {
	if i.Clock == nil {
		return time.Now()
	}
	return i.Clock.Now()
}
