// Package kubeletflags holds the rules a kubelet applies to the flags it registers its Node
// with, so the product refuses (in the NodeGroup webhook) what a real kubelet would refuse
// at boot, and the simulated kubelet refuses it the same way: a VM that boots and never
// becomes a Node is the costliest way to learn that a label was not allowed.
package kubeletflags
