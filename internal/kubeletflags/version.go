package kubeletflags

import (
	"regexp"
	"strings"
)

// kubeletPackage finds the kubelet package version an install command pins: apt's
// kubelet=1.36.3-1.1 (or the glob 'kubelet=1.36.3-*'), dnf's kubelet-1.36.3.
var kubeletPackage = regexp.MustCompile(`(?:^|[\s'"])kubelet[=-]v?([0-9]+\.[0-9]+\.[0-9]+)`)

// InstalledKubelet is the version ("v1.36.3") of the kubelet package the first install
// command of userData pins, or "" when it installs none. The simulated kubelet registers
// with this version, and the rebalance analyzer counts a kubelet version as drift only when
// the user data installs spec.kubernetesVersion: one rule for what a bootstrap installs.
func InstalledKubelet(userData string) string {
	for _, line := range strings.Split(userData, "\n") {
		if !strings.Contains(line, "install") {
			continue
		}
		if m := kubeletPackage.FindStringSubmatch(line); m != nil {
			return "v" + m[1]
		}
	}
	return ""
}
