package vpsiesim

import (
	"strings"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
	"k8s.io/apimachinery/pkg/util/validation"
)

// shape is which API family a request came in on; it decides field names in validation errors.
type shape string

const (
	shapeA shape = "A"
	shapeB shape = "B"
)

// field names a request field the way the caller's shape spells it.
func (sh shape) field(a, b string) string {
	if sh == shapeB {
		return b
	}
	return a
}

// createSpec is a validated create request resolved against the catalogue.
type createSpec struct {
	offering vpsieapi.Offering
	dc       vpsieapi.Datacenter
	image    vpsieapi.Image
}

const (
	maxTags      = 50
	maxTagLength = 255
	maxUserData  = 64 << 10
)

// validateCreate checks a create request field by field; the first problem is returned with the field named.
func (s *Simulator) validateCreate(req vpsieapi.CreateVMRequest, sh shape) (createSpec, *apiError) {
	var spec createSpec
	if req.Hostname == "" {
		return spec, errValidation("hostname", "is required")
	}
	// Hostnames become Node names, so they must be DNS subdomains.
	if errs := validation.IsDNS1123Subdomain(req.Hostname); len(errs) > 0 {
		return spec, errValidation("hostname", "%s", strings.Join(errs, "; "))
	}
	var ok bool
	planField := sh.field("offering_id", "resourceIdentifier")
	if req.Plan() == "" {
		return spec, errValidation(planField, "is required")
	}
	if spec.offering, ok = s.cfg.Catalogue.offering(req.Plan()); !ok {
		return spec, errValidation(planField, "unknown offering %q", req.Plan())
	}
	dcField := sh.field("datacenter_id", "dcIdentifier")
	if req.Datacenter() == "" {
		return spec, errValidation(dcField, "is required")
	}
	if spec.dc, ok = s.cfg.Catalogue.datacenter(req.Datacenter()); !ok {
		return spec, errValidation(dcField, "unknown datacenter %q", req.Datacenter())
	}
	if o := spec.offering; o.DatacenterID != "" && o.DatacenterID != spec.dc.ID {
		return spec, errValidation(planField, "offering %q is not sold in datacenter %q", o.ID, spec.dc.ID)
	}
	imageField := sh.field("os_image_id", "osIdentifier")
	if req.Image() == "" {
		return spec, errValidation(imageField, "is required")
	}
	if spec.image, ok = s.cfg.Catalogue.image(req.Image()); !ok {
		return spec, errValidation(imageField, "unknown image %q", req.Image())
	}
	if len(req.Tags) > maxTags {
		return spec, errValidation("tags", "at most %d tags", maxTags)
	}
	for _, t := range req.Tags {
		if t == "" || len(t) > maxTagLength {
			return spec, errValidation("tags", "each tag must be 1-%d characters", maxTagLength)
		}
	}
	if len(req.Script()) > maxUserData {
		return spec, errValidation(sh.field("user_data", "userData"), "at most %d bytes", maxUserData)
	}
	return spec, nil
}
