// Package catalogue is the autoscaler's copy of the VPSie catalogue (offerings and
// datacenters): a cache read through the Catalogue workflow, shared by the scale-up and
// rebalance controllers, and its conversion into the planners' units.
package catalogue
