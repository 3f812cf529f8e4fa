// Package sub hides a dot import one level down.
package sub

import . "time"

// Nap sleeps where the fence cannot see the package name.
func Nap() { Sleep(Second) }
