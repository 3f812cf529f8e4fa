package cloudinit

import (
	"context"
	"errors"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// Why a NodeGroup's bootstrap configuration cannot make a node: the reasons of the
// NodeGroup's BootstrapConfigValid condition and of scale-up's BootstrapConfigInvalid
// verdict. They are API (alerts read them): never rename one.
const (
	// ReasonBootstrapConfigValid: the template renders and every SSH key reference resolves.
	ReasonBootstrapConfigValid = "BootstrapConfigValid"
	// ReasonUserDataTemplateNotFound: spec.userDataTemplate names no ConfigMap of the namespace.
	ReasonUserDataTemplateNotFound = "UserDataTemplateNotFound"
	// ReasonUserDataTemplateNotLabelled: the ConfigMap lacks autoscaler.vpsie.com/user-data-template: "true".
	ReasonUserDataTemplateNotLabelled = "UserDataTemplateNotLabelled"
	// ReasonUserDataTemplateKeyMissing: the ConfigMap has no key "user-data".
	ReasonUserDataTemplateKeyMissing = "UserDataTemplateKeyMissing"
	// ReasonUserDataTemplateInvalid: the template does not parse, names a variable nobody
	// sets, or it or what it renders is over the size limit.
	ReasonUserDataTemplateInvalid = "UserDataTemplateInvalid"
	// ReasonSSHKeySecretNotFound: spec.sshKeySecretRef names no Secret of the namespace.
	ReasonSSHKeySecretNotFound = "SSHKeySecretNotFound"
	// ReasonSSHKeySecretInvalid: a value of the Secret is not authorized_keys text, or a
	// key spec.sshKeySecretRef.keys selects is missing.
	ReasonSSHKeySecretInvalid = "SSHKeySecretInvalid"
	// ReasonSSHKeySecretNoKeys: the Secret holds no public key.
	ReasonSSHKeySecretNoKeys = "SSHKeySecretNoKeys"
	// ReasonBootstrapConfigUnreadable: reading the ConfigMap or Secret failed otherwise
	// (typically RBAC: the chart's sshKeySecrets grants get on a Secret).
	ReasonBootstrapConfigUnreadable = "BootstrapConfigUnreadable"
)

// ConfigError is a bootstrap configuration problem an operator fixes: a typed reason and
// a message naming the object and field, never a key or token.
type ConfigError struct {
	Reason, Message string
}

func (e *ConfigError) Error() string { return e.Message }

func configError(reason, format string, args ...any) *ConfigError {
	return &ConfigError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// ReasonOf is the typed reason of err: its ConfigError's, else BootstrapConfigUnreadable.
func ReasonOf(err error) string {
	if ce := (*ConfigError)(nil); errors.As(err, &ce) {
		return ce.Reason
	}
	return ReasonBootstrapConfigUnreadable
}

// CheckBootstrap says whether nodes of t can be made as asked: its template (inline,
// ConfigMap or default) is readable and renders for a placeholder node, and its SSH key
// Secret resolves to at least one key. It issues no token and reads no join Secret. The
// NodeGroup status controller writes its answer into the BootstrapConfigValid condition
// and scale-up starts no node of a group it refuses; the create activity reads the same
// objects through the same code (Render, PublicKeys) right before the POST.
func CheckBootstrap(ctx context.Context, reader client.Reader, t contract.NodeTemplate) error {
	if _, err := (&Renderer{Reader: reader}).dryRun(ctx, t); err != nil {
		return err
	}
	_, err := PublicKeys(ctx, reader, t)
	return err
}
