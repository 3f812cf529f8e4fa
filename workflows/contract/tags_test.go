package contract

import "testing"

func TestOwnerOwnsOnlyItsOwnVPS(t *testing.T) {
	o := Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-1"}
	tests := []struct {
		name string
		tags []string
		want bool
	}{
		{name: "written by a creator", tags: append(o.Tags(), "env:prod"), want: true},
		{name: "no uid tag (written before uids, or a restored object)", tags: o.Tags()[:2], want: true},
		{name: "another object's uid", tags: Owner{Cluster: "c1", Namespace: "ns", Name: "vn-1", UID: "uid-2"}.Tags()},
		{name: "another cluster", tags: Owner{Cluster: "c2", Namespace: "ns", Name: "vn-1", UID: "uid-1"}.Tags()},
		{name: "another namespace", tags: Owner{Cluster: "c1", Namespace: "ns2", Name: "vn-1"}.Tags()},
		{name: "untagged", tags: nil},
		{name: "only the cluster", tags: o.Tags()[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := o.Owns(tt.tags); got != tt.want {
				t.Fatalf("Owns(%q) = %v, want %v", tt.tags, got, tt.want)
			}
		})
	}
}
