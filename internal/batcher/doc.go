// Package batcher gathers items that arrive close together into one batch, as Karpenter's
// provisioner does with pending pods: planning once for a burst of pods packs them better and
// starts fewer workflows than planning once per pod.
package batcher
