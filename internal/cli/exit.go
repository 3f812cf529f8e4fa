package cli

import (
	"context"
	"errors"
	"fmt"
	"net"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
)

// Exit codes scripts can test. They are API: never renumber them.
const (
	ExitOK = 0
	// ExitError is any other failure.
	ExitError = 1
	// ExitUsage: a wrong flag, argument or manifest.
	ExitUsage = 2
	// ExitNotFound: the NodeGroup, pod or node asked about does not exist (or no
	// NodeGroup exists at all).
	ExitNotFound = 3
	// ExitForbidden: RBAC denied a read or a write.
	ExitForbidden = 4
	// ExitTemporalUnreachable: the command needs Temporal and could not reach it.
	ExitTemporalUnreachable = 5
	// ExitUnreachable: the Kubernetes API server could not be reached.
	ExitUnreachable = 6
)

// Error is a failure with its exit code and what the operator can do about it.
type Error struct {
	Code int
	Err  error
	Hint string
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + "\n  hint: " + e.Hint
}

func (e *Error) Unwrap() error { return e.Err }

func usageError(format string, args ...any) error {
	return &Error{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

func notFound(hint, format string, args ...any) error {
	return &Error{Code: ExitNotFound, Err: fmt.Errorf(format, args...), Hint: hint}
}

// errTemporal marks a failure to reach Temporal.
var errTemporal = errors.New("temporal not reachable")

func temporalError(address string, err error) error {
	return &Error{Code: ExitTemporalUnreachable, Err: fmt.Errorf("%w at %s: %v", errTemporal, address, err),
		Hint: "pass --temporal-address host:port (or set VPSIE_TEMPORAL_ADDRESS), e.g. after " +
			"`kubectl -n <temporal namespace> port-forward svc/<frontend> 7233`; without Temporal the rebalance " +
			"commands fall back to the NodeGroup's autoscaler.vpsie.com/rebalance annotation"}
}

// Classify gives err its exit code and hint: RBAC denials name the missing right, an
// unreachable API server says so, a missing CRD says the chart is not installed.
func Classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var se *apierrors.StatusError
	switch {
	case apierrors.IsForbidden(err):
		return &Error{Code: ExitForbidden, Err: err, Hint: "your user lacks a right the plugin needs: bind the chart's ClusterRole " +
			"<release>-vpsie-autoscaler-kubectl-plugin (read-only), and for the rebalance commands without Temporal " +
			"<release>-vpsie-autoscaler-kubectl-plugin-rebalance (see docs/operations/kubectl-vpsie.md)"}
	case apierrors.IsUnauthorized(err):
		return &Error{Code: ExitForbidden, Err: err, Hint: "log in again: your kubeconfig's credentials were refused"}
	case meta.IsNoMatchError(err):
		return &Error{Code: ExitNotFound, Err: err, Hint: "the NodeGroup and VPSieNode CRDs are not installed: install the vpsie-autoscaler chart"}
	case apierrors.IsNotFound(err):
		return &Error{Code: ExitNotFound, Err: err}
	case errors.As(err, &se):
		return &Error{Code: ExitError, Err: err}
	case isNetwork(err):
		return &Error{Code: ExitUnreachable, Err: err, Hint: "check --context, --server and --kubeconfig: the API server did not answer"}
	}
	return &Error{Code: ExitError, Err: err}
}

func isNetwork(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, context.DeadlineExceeded)
}
