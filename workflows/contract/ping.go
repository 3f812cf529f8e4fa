package contract

// PingInput is the input of both the Ping workflow and the Ping activity.
type PingInput struct {
	Message string `json:"message"`
}

// PingResult tells the caller which worker answered, which makes it useful as a smoke
// test against a real cluster: a stale or foreign worker on the task queue shows up here.
type PingResult struct {
	Message  string `json:"message"`
	Identity string `json:"identity"`
}
