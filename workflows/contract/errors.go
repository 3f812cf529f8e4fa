package contract

// Application error types: the Type of every temporal.ApplicationError that crosses the
// activity → workflow (or workflow → caller) boundary. Both sides use only these
// constants, so a type can never be spelled two ways. A type is recorded in histories
// (failed activities, NonRetryableErrorTypes of scheduled activities), and a workflow
// replaying an old failure must take the branch it took then: never change a value, add
// a new type instead.
const (
	// ErrInvalidInput: an activity or workflow was called with input it can never act on.
	ErrInvalidInput = "InvalidInput"
	// ErrWaitTimedOut: a wait ran out of its own timeout; final, the workflow compensates.
	ErrWaitTimedOut = "WaitTimedOut"
	// ErrNotListedYet: the API accepted a create without naming the VPS, and the listing
	// did not show it within the listing lag; retryable.
	ErrNotListedYet = "NotListedYet"
	// ErrOwnerGone: the VPSieNode a create path works for is gone, replaced by a new
	// object of the name, or being deleted; final, the workflow creates nothing more and
	// deletes what it made.
	ErrOwnerGone = "OwnerGone"
	// ErrEmptyMessage: a Ping without a message.
	ErrEmptyMessage = "EmptyMessage"
	// ErrDrainUnsafe: a node failed a safety check when its drain was about to evict
	// (CheckDrainSafety); the details are a DrainRefusal. Final: the drain compensates.
	ErrDrainUnsafe = "DrainUnsafe"
)

// VPSie API failures, one type per VPSie error kind (internal/vpsie Kind); the one
// mapping and its retry decision live in activities/errors.go. The values are the
// kinds' names, which activities have always failed with and histories hold.
const (
	ErrVPSieUnknown           = "unknown"
	ErrVPSieNotFound          = "not_found"
	ErrVPSieUnauthorized      = "unauthorized"
	ErrVPSieRateLimited       = "rate_limited"
	ErrVPSieCapacityExhausted = "capacity_exhausted" // ScaleUp tries the next placement
	ErrVPSieInvalidRequest    = "invalid_request"
	ErrVPSieTransient         = "transient"
	ErrVPSieCircuitOpen       = "circuit_open"
	ErrVPSieBadEndpoint       = "bad_endpoint"
)
