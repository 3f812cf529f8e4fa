// Package sshkeytest makes real OpenSSH public keys for tests: the autoscaler parses the
// keys of a NodeGroup's key Secret, so made-up text would be refused.
package sshkeytest
