package webhook

// The paths the webhook configurations in deploy/webhook point at.
const (
	PathValidateNode      = "/validate-node"
	PathValidateNodeGroup = "/validate-nodegroup"
	PathDefaultNodeGroup  = "/default-nodegroup"
	PathValidateVPSieNode = "/validate-vpsienode"
)
