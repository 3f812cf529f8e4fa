package vpsiesim

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ParseCapacity reads "dc=vms[:cpus],dc=..." (e.g. "tor1=10:40,ams1=50"); 0 means unlimited.
func ParseCapacity(spec string) (map[string]Capacity, error) {
	out := map[string]Capacity{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		dc, limits, ok := strings.Cut(item, "=")
		if !ok || dc == "" {
			return nil, fmt.Errorf("capacity %q: want dc=vms[:cpus]", item)
		}
		vms, cpus, _ := strings.Cut(limits, ":")
		var c Capacity
		var err error
		if c.VMs, err = strconv.Atoi(vms); err != nil {
			return nil, fmt.Errorf("capacity %q: vms: %w", item, err)
		}
		if cpus != "" {
			if c.CPUs, err = strconv.Atoi(cpus); err != nil {
				return nil, fmt.Errorf("capacity %q: cpus: %w", item, err)
			}
		}
		out[dc] = c
	}
	return out, nil
}

// LoadJSON decodes a JSON file (a Catalogue or Faults) into v, refusing unknown fields so typos are caught.
func LoadJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}
