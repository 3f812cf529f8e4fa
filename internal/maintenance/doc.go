// Package maintenance is the arithmetic of NodeGroup maintenance windows: recurring days, a
// local start time, a duration and an IANA time zone. It answers whether a window is open at
// an instant, when it closes, when one next opens, and lists the open intervals of a span, so
// a workflow can carry them as plain times. Daylight-saving changes are handled explicitly.
package maintenance
