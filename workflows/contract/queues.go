package contract

// vpsieQueueSuffix names the task queue of the VPSie activities. They run on a queue
// of their own so that one task-queue-wide activity rate limits every replica's VPSie
// calls together (one rate limit for the whole cluster, not one per replica).
const vpsieQueueSuffix = "-vpsie"

// VPSieTaskQueue is the task queue of the VPSie activities for workflows and Kubernetes
// activities running on taskQueue. Workflows derive it from their own task queue, so
// the configuration names one queue and the pair can never disagree.
func VPSieTaskQueue(taskQueue string) string { return taskQueue + vpsieQueueSuffix }
