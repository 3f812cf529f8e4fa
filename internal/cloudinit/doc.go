// Package cloudinit renders the user data a new VPS boots with: by default a kubeadm
// join, or a NodeGroup's own template from a ConfigMap. It runs inside the create
// activity, so the join token it reads from a Secret never enters a workflow's input,
// result or history.
package cloudinit
