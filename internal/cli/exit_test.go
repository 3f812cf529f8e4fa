package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestClassifyGivesEachFailureItsExitCodeAndHint(t *testing.T) {
	gr := schema.GroupResource{Group: "autoscaler.vpsie.com", Resource: "nodegroups"}
	tests := []struct {
		name string
		err  error
		code int
		hint string
	}{
		{name: "RBAC denial", err: fmt.Errorf("reading the cluster: %w", apierrors.NewForbidden(gr, "", errors.New("no"))),
			code: ExitForbidden, hint: "kubectl-plugin"},
		{name: "refused credentials", err: apierrors.NewUnauthorized("token expired"), code: ExitForbidden, hint: "log in again"},
		{name: "CRDs missing", err: &meta.NoKindMatchError{GroupKind: schema.GroupKind{Group: "autoscaler.vpsie.com", Kind: "NodeGroup"}},
			code: ExitNotFound, hint: "install the vpsie-autoscaler chart"},
		{name: "API server down", err: fmt.Errorf("listing: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}),
			code: ExitUnreachable, hint: "--context"},
		{name: "deadline", err: context.DeadlineExceeded, code: ExitUnreachable},
		{name: "anything else", err: errors.New("boom"), code: ExitError},
		{name: "already classified", err: fmt.Errorf("wrapped: %w", temporalError("t:7233", errors.New("refused"))),
			code: ExitTemporalUnreachable, hint: "--temporal-address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Classify(tt.err)
			if e.Code != tt.code {
				t.Errorf("code %d, want %d", e.Code, tt.code)
			}
			if !strings.Contains(e.Hint, tt.hint) {
				t.Errorf("hint %q lacks %q", e.Hint, tt.hint)
			}
		})
	}
}
