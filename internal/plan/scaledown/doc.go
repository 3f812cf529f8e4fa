// Package scaledown decides which managed nodes to drain and delete: nodes below their
// NodeGroup's thresholds for the whole window, empty nodes, and nodes above a lowered maxNodes,
// when every safety check passes and their pods fit on the nodes that stay (the scale-up
// simulation). It returns typed intents and, for every managed node it keeps, why. It is pure.
package scaledown
