package rebalance

import (
	"context"
	"encoding/json"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/rebalance"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// decision is what a NodeGroup's autoscaler.vpsie.com/rebalance annotation asks for.
type decision struct {
	// manual: analyze the group as asked for now (enabled or not, cooldown or not).
	manual bool
	// signal is the signal to send the running run.
	signal string
	// clear: remove the annotation now (after the signal, if any, was sent).
	clear bool
	// ignored says why the annotation is cleared without effect.
	ignored string
}

// signals maps the annotation's values to the run's signals.
var signals = map[string]string{
	v1alpha1.RebalancePause:    contract.RebalanceSignalPause,
	v1alpha1.RebalanceResume:   contract.RebalanceSignalResume,
	v1alpha1.RebalanceRollback: contract.RebalanceSignalRollback,
}

// decide maps the annotation's value to a decision, given whether the group's rebalance
// runs. "now" stays until a run starts (or the analyzer says there is nothing to do, see
// manualSettled); the signals go to a running run only.
func decide(value string, running bool) decision {
	switch value = strings.TrimSpace(value); {
	case value == "":
		return decision{}
	case value == v1alpha1.RebalanceNow && running:
		return decision{clear: true, ignored: "a rebalance runs already"}
	case value == v1alpha1.RebalanceNow:
		return decision{manual: true}
	case signals[value] != "" && running:
		return decision{signal: signals[value], clear: true}
	case signals[value] != "":
		return decision{clear: true, ignored: "no rebalance runs to " + value}
	}
	return decision{clear: true, ignored: "unknown value " + value + " (now, pause, resume or rollback)"}
}

// manualSettled reports whether a rebalance=now the analyzer held for reason is done with:
// there is nothing to replace, a run is under way, or the windows are invalid until someone
// edits them. Other gates (health, a closed window) may pass later; the annotation waits.
func manualSettled(reason plan.Reason) bool {
	switch reason {
	case plan.ReasonNothingToReplace, plan.ReasonRebalanceInProgress, plan.ReasonInvalidMaintenanceWindow:
		return true
	}
	return false
}

// passing reports whether a node's exclusion may lift by itself soon: the node is not Ready
// (a missed heartbeat, a reboot), its drain or deletion is under way, or a budget allows no
// disruption right now. A rebalance=now that found nothing to replace only because of such
// exclusions waits for them instead of being dropped.
func passing(r plan.Reason) bool {
	switch r {
	case plan.ReasonNodeNotReady, plan.ReasonDrainInProgress, plan.ReasonPodDisruptionBudget:
		return true
	}
	return false
}

// settles reports whether a held rebalance=now is done with: nothing can happen for it,
// not even once the group's passing exclusions lift.
func settles(key types.NamespacedName, v plan.GroupVerdict, excluded []plan.Exclusion) bool {
	if !manualSettled(v.Reason) {
		return false
	}
	if v.Reason == plan.ReasonNothingToReplace {
		for _, e := range excluded {
			if e.NodeGroup == key && passing(e.Reason) {
				return false
			}
		}
	}
	return true
}

// annotations acts on every group's annotation: it signals running runs, clears what was
// acted on or means nothing, and returns the groups asking for a run now.
func (c *Controller) annotations(ctx context.Context, o observation, states map[types.NamespacedName]groupState) map[types.NamespacedName]bool {
	manual := map[types.NamespacedName]bool{}
	for _, g := range o.view.NodeGroups {
		key, value := keyOf(g), g.Annotations[v1alpha1.AnnotationRebalance]
		st := states[key]
		if value == "" || st.unknown {
			continue
		}
		d := decide(value, st.running)
		if d.signal != "" {
			id := contract.RebalanceWorkflowID(g.Namespace, g.Name)
			if err := c.temporal.SignalWorkflow(ctx, id, "", d.signal, nil); err != nil {
				log.FromContext(ctx).Error(err, "Signalling the rebalance failed; the next pass tries again", "nodegroup", key.String(),
					"signal", d.signal)
				continue
			}
			log.FromContext(ctx).Info("Rebalance signalled", "nodegroup", key.String(), "signal", d.signal)
			c.events.Eventf(g, nil, corev1.EventTypeNormal, "RebalanceSignalled", "Rebalance", "signal %s sent to workflow %s",
				d.signal, id)
		}
		if d.ignored != "" {
			c.events.Eventf(g, nil, corev1.EventTypeWarning, "RebalanceAnnotationIgnored", "Rebalance", "%s=%s: %s",
				v1alpha1.AnnotationRebalance, value, d.ignored)
		}
		if d.clear {
			c.clearAnnotation(ctx, g, value)
		}
		manual[key] = d.manual
	}
	return manual
}

// clearAnnotation removes the rebalance annotation if it still has value, so a value set
// meanwhile is never lost. The controller writes the NodeGroup's metadata only, never its
// status (the NodeGroup controller's). g may be the cache's own object: the Patch goes
// through a copy, since Patch writes the server's answer into the object it is given.
func (c *Controller) clearAnnotation(ctx context.Context, g *v1alpha1.NodeGroup, value string) {
	path := "/metadata/annotations/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(v1alpha1.AnnotationRebalance)
	quoted, _ := json.Marshal(value)
	patch := `[{"op":"test","path":"` + path + `","value":` + string(quoted) + `},{"op":"remove","path":"` + path + `"}]`
	if err := c.client.Patch(ctx, g.DeepCopy(), client.RawPatch(types.JSONPatchType, []byte(patch))); client.IgnoreNotFound(err) != nil {
		log.FromContext(ctx).V(1).Info("Clearing the rebalance annotation failed; the next pass tries again",
			"nodegroup", keyOf(g).String(), "error", err.Error())
	}
}
