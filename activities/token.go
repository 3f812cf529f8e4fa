package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TokenRevoker deletes a node's bootstrap token Secret (internal/bootstraptoken.Issuer).
type TokenRevoker interface {
	Revoke(ctx context.Context, uid string) error
}

// RevokeBootstrapToken deletes the bootstrap token of the VPSieNode ref names (by its
// UID); one already gone is fine. With the shared join Secret (no per-node tokens) there
// is nothing to revoke.
func (k *Kube) RevokeBootstrapToken(ctx context.Context, in contract.VPSieNodeRef) error {
	if in.UID == "" {
		return nonRetryable("revoke bootstrap token needs the VPSieNode's UID")
	}
	if k.Tokens == nil {
		return nil
	}
	if err := k.Tokens.Revoke(ctx, in.UID); err != nil {
		return err
	}
	activity.GetLogger(ctx).Info("Revoked the bootstrap token of a node", "vpsienode", in.Namespace+"/"+in.Name)
	return nil
}
