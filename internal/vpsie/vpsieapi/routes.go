package vpsieapi

// Shape A (the earlier autoscaler's API). Paths are relative to the base URL, whose path is PrefixA
// (default https://api.vpsie.com/v2); a client concatenates base + path. The simulator serves PrefixA + path.
// {id} accepts the numeric id or the identifier (UUID).
const (
	PrefixA = "/v2"

	PathALogin      = "/auth/from/api" // POST, form-encoded FormClientID/FormClientSecret
	PathAVMs        = "/vm"            // GET (list, filters QueryTag/QueryHostname), POST (create)
	PathAVM         = "/vm/{id}"       // GET, DELETE
	PathAVMAction   = "/vm/{id}/action"
	PathAOfferings  = "/offerings" // GET, filter QueryDatacenter
	PathAOffering   = "/offerings/{id}"
	PathADatacenter = "/datacenters"
	PathAImages     = "/images"
)

// Shape B (VPSie's Go client, govpsie). Paths are absolute on the API host (https://api.vpsie.com).
const (
	PathBLogin       = "/apps/v2/auth/from/api" // POST, JSON LoginRequest
	PathBVMs         = "/api/v2/vm"             // GET (list), POST (create), DELETE (body DeleteVMRequest)
	PathBVM          = "/api/v2/vm/{id}"        // GET -> Envelope[VMDetail]
	PathBDatacenters = "/apps/v2/datacenter"
	// PathBResources lists plans (offerings). The public client defines no call for it; vpsie-api.md names
	// POST with form fields dcIdentifier/osIdentifier/planCatIdentifier. The simulator also accepts GET.
	PathBResources = "/apps/v2/resources"
	// PathBImages is a simulator extension: govpsie only lists custom images.
	PathBImages = "/apps/v2/images"
)

// Query parameters understood by the VM and offering list endpoints of both shapes (simulator contract; the real
// API's filters are undocumented, so a client must also filter on its side).
const (
	// QueryTag filters VMs carrying this exact tag; repeat it to require several tags (all must match).
	QueryTag = "tag"
	// QueryHostname filters VMs by exact hostname (the natural idempotency key).
	QueryHostname = "hostname"
	// QueryDatacenter filters offerings available in a datacenter (id or identifier).
	QueryDatacenter = "datacenter_id"
	// QueryProjectID is govpsie's list filter.
	QueryProjectID = "projectId"
)

// Headers.
const (
	// HeaderAuthorization carries "Bearer <token>" in shape A.
	HeaderAuthorization = "Authorization"
	BearerPrefix        = "Bearer "
	// HeaderVpsieAuth carries the bare token in shape B.
	HeaderVpsieAuth  = "Vpsie-Auth"
	HeaderRetryAfter = "Retry-After"
	HeaderRequestID  = "X-Request-ID"
)
