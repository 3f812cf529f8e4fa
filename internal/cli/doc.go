// Package cli is `kubectl vpsie`: it explains, dry-runs and drives the autoscaler from the
// terminal. Every answer comes from the same code that decides: one clusterview.View read
// through the API (one List of each kind), mapped by internal/planinput onto the pure
// planners (plan/scaleup, plan/scaledown, plan/rebalance), with the catalogue the
// controller caches (the Catalogue workflow's last result) or one given with --catalogue.
//
// What only the running controller knows (its backoffs, the utilization window of each
// node, its account quota) is not in the plugin's snapshot; the answers say so where it
// matters and show what the controller last published instead (status, annotations).
package cli
