// Package cloudinit is a new VPS's bootstrap configuration: the user data it boots with (by
// default an install of the group's Kubernetes and a kubeadm join, or a NodeGroup's own
// template, inline or from a labelled ConfigMap) and the OpenSSH public keys it gets (the
// group's and those of its SSH key Secret). Rendering and key reading run inside the create
// activity, so the join token and the keys never enter a workflow's input, result or
// history. CheckBootstrap runs the same reads and rendering without a token, with a typed
// reason for each problem: the NodeGroup's BootstrapConfigValid condition and the planners'
// BootstrapConfigInvalid gate come from it.
package cloudinit
