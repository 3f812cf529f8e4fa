package scaleup

import (
	"sort"
	"strings"
)

// maxEventMessage is the API server's limit on an Event's message.
const maxEventMessage = 1024

// EventMessage renders why a pod fits nowhere as one line for a pod Event. NodeGroups with
// the same message are named together, so ten groups rejecting a pod for one missing
// toleration read as one clause, and the result is cut to what an Event can hold.
func EventMessage(u Unschedulable) string {
	var order []string
	groups := map[string][]string{}
	for _, v := range u.Verdicts {
		if _, seen := groups[v.Message]; !seen {
			order = append(order, v.Message)
		}
		groups[v.Message] = append(groups[v.Message], v.NodeGroup.String())
	}
	clauses := make([]string, 0, len(order))
	for _, msg := range order {
		names := groups[msg]
		sort.Strings(names)
		label := "NodeGroup "
		if len(names) > 1 {
			label = "NodeGroups "
		}
		clauses = append(clauses, label+strings.Join(names, ", ")+": "+msg)
	}
	if len(clauses) == 0 {
		return "no NodeGroup can take this pod"
	}
	return truncate(strings.Join(clauses, "; "), maxEventMessage)
}

func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const more = "…"
	cut := limit - len(more)
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + more
}
