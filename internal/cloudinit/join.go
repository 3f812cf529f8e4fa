package cloudinit

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/internal/bootstraptoken"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Join is what one node's `kubeadm join` needs.
type Join struct {
	APIServerEndpoint, Token, CACertHash string
}

// JoinSource gives the node of a create its join data. It is asked last, once the
// template rendered without error, so a broken template issues no token.
type JoinSource interface {
	Join(ctx context.Context, in contract.CreateOwnedVPSInput) (Join, error)
}

// PerNodeTokens issues every node its own bootstrap token, valid for the create's
// TokenTTL, with the discovery data from kube-public/cluster-info unless configured.
type PerNodeTokens struct {
	Issuer *bootstraptoken.Issuer
	// Reader reads cluster-info (uncached: it is read once per create).
	Reader     client.Reader
	Configured bootstraptoken.Discovery
}

// Join discovers first: a cluster without cluster-info (and nothing configured) gets no token.
func (p *PerNodeTokens) Join(ctx context.Context, in contract.CreateOwnedVPSInput) (Join, error) {
	d, err := bootstraptoken.Discover(ctx, p.Reader, p.Configured)
	if err != nil {
		return Join{}, err
	}
	ttl := in.TokenTTL
	if ttl <= 0 {
		return Join{}, fmt.Errorf("create of %s gives no token lifetime", in.Hostname)
	}
	token, err := p.Issuer.Issue(ctx, bootstraptoken.Owner{Namespace: in.Owner.Namespace, Name: in.Owner.Name,
		UID: in.Owner.UID}, ttl)
	if err != nil {
		return Join{}, err
	}
	return Join{APIServerEndpoint: d.APIServerEndpoint, Token: token, CACertHash: d.CACertHash}, nil
}

// StaticSecret reads one join Secret every node shares (keys apiServerEndpoint, token,
// caCertHash): the operator creates it and keeps its token valid.
type StaticSecret struct {
	Reader client.Reader
	Secret types.NamespacedName
}

// Join reads the Secret; errors never carry the token.
func (s *StaticSecret) Join(ctx context.Context, _ contract.CreateOwnedVPSInput) (Join, error) {
	sec := &corev1.Secret{}
	if err := s.Reader.Get(ctx, s.Secret, sec); err != nil {
		return Join{}, fmt.Errorf("reading join secret %s: %w", s.Secret, err)
	}
	j := Join{APIServerEndpoint: string(sec.Data[KeyAPIServerEndpoint]), Token: string(sec.Data[KeyToken]),
		CACertHash: string(sec.Data[KeyCACertHash])}
	if j.APIServerEndpoint == "" || j.Token == "" || j.CACertHash == "" {
		return Join{}, fmt.Errorf("join secret %s needs the keys %s, %s and %s", s.Secret, KeyAPIServerEndpoint,
			KeyToken, KeyCACertHash)
	}
	return j, nil
}
