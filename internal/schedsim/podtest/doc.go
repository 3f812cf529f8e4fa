// Package podtest builds the pods the scheduling simulation's tests and its callers' tests
// place: one container with requests, an app label, and the scheduling terms (anti-affinity,
// affinity, topology spread, host ports) under test. Tests only.
package podtest
