// Package nodegroup keeps each NodeGroup's status current from the
// VPSieNodes and Nodes of the group. It is the only writer of that status;
// workflows record outcomes on VPSieNodes and this controller folds them in.
package nodegroup
