// Package logging builds the structured logger every binary uses, from the logging section of the
// configuration, so all of them log in the same format at the same level.
package logging
