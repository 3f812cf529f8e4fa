package vpsie

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Conversions from wire types to domain types. Both shapes' spellings are read, so a union object (the
// simulator's) and either real shape convert the same way.

func vmFromWire(w vpsieapi.VM, extraTags []string) VM {
	vm := VM{
		ID: w.ID, Identifier: w.Identifier, Hostname: w.Hostname, Status: vmStatus(w),
		IP: w.DefaultIP, IPv6: w.DefaultIPv6, OfferingID: w.OfferingID, DatacenterID: w.DCIdentifier,
		ImageID: w.OSImageID, CPU: w.CPU, RAMMB: w.RAM, DiskGB: w.SSD, Spot: w.Spot,
		Tags: mergeTags(w.Tags, extraTags), CreatedAt: parseTime(w.CreatedOn),
	}
	if vm.OfferingID == "" && w.BoxsizeID != 0 {
		vm.OfferingID = strconv.FormatInt(w.BoxsizeID, 10)
	}
	if vm.DatacenterID == "" && w.DatacenterID != 0 {
		vm.DatacenterID = strconv.FormatInt(w.DatacenterID, 10)
	}
	if vm.Status == VMStatusInterrupting {
		vm.InterruptAt = parseTime(w.InterruptionNotice)
	}
	return vm
}

// vmStatus reads shape A's status, else shape B's state, else power (1 = running).
func vmStatus(w vpsieapi.VM) VMStatus {
	s := strings.ToLower(strings.TrimSpace(w.Status))
	if s == "" {
		s = strings.ToLower(strings.TrimSpace(w.State))
	}
	switch {
	case s != "":
		return VMStatus(s)
	case w.Power == 1:
		return VMStatusRunning
	default:
		return VMStatusUnknown
	}
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func mergeTags(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, t := range b {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func offeringFromWire(w vpsieapi.Offering) Offering {
	return Offering{
		ID: first(w.ID, w.Identifier), Name: w.Name, CPU: w.CPU, RAMMB: w.RAM, DiskGB: w.Disk,
		BandwidthGB: w.Bandwidth, MonthlyPrice: w.Price, HourlyPrice: w.HourlyPrice, DatacenterID: w.DatacenterID,
		Spot: w.Spot, Available: w.Available, Category: w.Category,
	}
}

func datacenterFromWire(w vpsieapi.Datacenter) Datacenter {
	return Datacenter{
		ID: first(w.ID, w.Identifier), Name: first(w.Name, w.DCName), Code: w.Code, Country: w.Country,
		City: w.City, Available: w.Available || w.IsActive == 1,
	}
}

func imageFromWire(w vpsieapi.Image) Image {
	return Image{
		ID: first(w.ID, w.Identifier), Name: w.Name, Distribution: w.Distribution, Version: w.Version,
		Architecture: w.Architecture, MinDiskGB: w.MinDisk, Available: w.Available,
	}
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
