// Package contract holds the names and payload types shared by workflows and activity
// implementations. It is pure data: workflows call activities by these registered names,
// so workflows/ never imports activities/ and either side can change its internals freely.
package contract
