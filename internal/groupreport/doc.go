// Package groupreport holds what a planning controller last reported per NodeGroup (why
// scale-up holds a group back, which nodes scale-down keeps, how a rebalance goes) for the
// NodeGroup controller, the only writer of NodeGroup status, to fold into that status.
//
// A Store keeps one value per NodeGroup and announces on its Changes channel each group
// whose value really changed (by the store's equality function), was added or was removed,
// so the NodeGroup controller recomputes that group's status. Announcing never blocks the
// planner: when the channel is full the announcement is dropped and the NodeGroup
// controller's periodic resync catches up.
package groupreport
