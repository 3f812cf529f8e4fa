package nodegroup

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
	"github.com/vpsie/vpsie-autoscaler/internal/nodetemplate"
)

// How soon a group whose bootstrap configuration names objects (a template ConfigMap, an
// SSH key Secret) is checked again: those objects cannot be watched (the autoscaler may
// only get them by name), so the condition follows them by polling, soon while it is
// False (an operator is fixing it) and now and then while it is True.
const (
	bootstrapRecheckInvalid = 10 * time.Second
	bootstrapRecheck        = time.Minute
)

// bootstrapReuse is how long one check of a group's bootstrap configuration answers for
// the same spec generation: a group is reconciled at every change of its VPSieNodes and
// Nodes, many a second while it scales, and each check costs uncached reads.
const bootstrapReuse = 5 * time.Second

// bootstrapChecks remembers each group's last check.
type bootstrapChecks struct {
	mu   sync.Mutex
	last map[types.NamespacedName]bootstrapCheck
}

type bootstrapCheck struct {
	generation int64
	at         time.Time
	err        error
}

func (b *bootstrapChecks) forget(key types.NamespacedName) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.last, key)
}

// checkBootstrap is nodetemplate.CheckBootstrap of the group, read again once the last
// answer for its generation is bootstrapReuse old.
func (c *Controller) checkBootstrap(ctx context.Context, ng *v1alpha1.NodeGroup) error {
	key, now := client.ObjectKeyFromObject(ng), c.clock.Now()
	c.checks.mu.Lock()
	last, ok := c.checks.last[key]
	c.checks.mu.Unlock()
	if ok && last.generation == ng.Generation && now.Sub(last.at) < bootstrapReuse {
		return last.err
	}
	err := nodetemplate.CheckBootstrap(ctx, c.bootstrap, ng)
	c.checks.mu.Lock()
	c.checks.last[key] = bootstrapCheck{generation: ng.Generation, at: now, err: err}
	c.checks.mu.Unlock()
	return err
}

// bootstrapCondition is BootstrapConfigValid from the check's answer: the reasons are
// internal/cloudinit's (UserDataTemplateNotFound, SSHKeySecretNotFound, ...).
func bootstrapCondition(ng *v1alpha1.NodeGroup, err error) metav1.Condition {
	if err != nil {
		return metav1.Condition{Type: v1alpha1.ConditionBootstrapConfigValid, Status: metav1.ConditionFalse,
			Reason: cloudinit.ReasonOf(err), Message: err.Error() + "; scale-up adds no node until it is fixed"}
	}
	msg := "the user data template renders and the SSH key Secret, if any, holds keys"
	if ng.Spec.ProvisioningModeOf() == v1alpha1.ProvisioningManagedKubernetes {
		msg = "managedKubernetes: VPSie boots and joins the workers (no user data, no SSH keys)"
	}
	return metav1.Condition{Type: v1alpha1.ConditionBootstrapConfigValid, Status: metav1.ConditionTrue,
		Reason: cloudinit.ReasonBootstrapConfigValid, Message: msg}
}

// requeueAfter is when the group's status is recomputed without an event: sooner when its
// bootstrap configuration names objects the controller cannot watch.
func (c *Controller) requeueAfter(ng *v1alpha1.NodeGroup) time.Duration {
	if c.bootstrap == nil || ng == nil || ng.Spec.UserDataTemplate == "" && ng.Spec.SSHKeySecretRef == nil {
		return resyncAfter
	}
	for _, cond := range ng.Status.Conditions {
		if cond.Type == v1alpha1.ConditionBootstrapConfigValid && cond.Status == metav1.ConditionFalse {
			return bootstrapRecheckInvalid
		}
	}
	return bootstrapRecheck
}
