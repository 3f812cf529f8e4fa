package vpsie

import "github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"

// routes are the paths of one API shape. They are route templates too: the endpoint metric label uses them as is.
type routes struct {
	vms         string // list and create
	vm          string // get (and delete in shape A), with {id}
	deleteVM    string // shape B deletes on the collection with a JSON body
	offerings   string
	datacenters string
	images      string
}

type shapeDefault struct {
	baseURL       string
	loginPath     string
	loginEncoding LoginEncoding
	authHeader    AuthHeader
	routes        routes
}

func shapeDefaults(s Shape) shapeDefault {
	if s == ShapeB {
		return shapeDefault{
			baseURL:       "https://api.vpsie.com",
			loginPath:     vpsieapi.PathBLogin,
			loginEncoding: LoginJSON,
			authHeader:    AuthVpsieAuth,
			routes: routes{vms: vpsieapi.PathBVMs, vm: vpsieapi.PathBVM, deleteVM: vpsieapi.PathBVMs,
				offerings: vpsieapi.PathBResources, datacenters: vpsieapi.PathBDatacenters, images: vpsieapi.PathBImages},
		}
	}
	return shapeDefault{
		baseURL:       "https://api.vpsie.com" + vpsieapi.PrefixA,
		loginPath:     vpsieapi.PathALogin,
		loginEncoding: LoginForm,
		authHeader:    AuthBearer,
		routes: routes{vms: vpsieapi.PathAVMs, vm: vpsieapi.PathAVM, deleteVM: vpsieapi.PathAVM,
			offerings: vpsieapi.PathAOfferings, datacenters: vpsieapi.PathADatacenter, images: vpsieapi.PathAImages},
	}
}
