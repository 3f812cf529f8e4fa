// Package nodetemplate says what a new node of a NodeGroup is: the template its ScaleUp run
// creates it from (image, labels, taints, user data) and the model every planner simulates
// it with (the kubelet's reserves and pod limit as configured). Scale-up and the rebalance's
// replacements both take them from here, so neither controller imports the other.
package nodetemplate
