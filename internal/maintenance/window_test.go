package maintenance

import (
	"strings"
	"testing"
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustParse(t *testing.T, ws ...v1alpha1.MaintenanceWindow) []Window {
	t.Helper()
	out, err := ParseAll(ws)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func win(days []v1alpha1.Weekday, start string, minutes int32, tz string) v1alpha1.MaintenanceWindow {
	return v1alpha1.MaintenanceWindow{Days: days, Start: start, DurationMinutes: minutes, TimeZone: tz}
}

func TestOpenAndNext(t *testing.T) {
	daily2 := win(nil, "02:00", 60, "")
	weekendNight := win([]v1alpha1.Weekday{"Fri", "Sat"}, "22:00", 240, "UTC")
	berlin0230 := win(nil, "02:30", 60, "Europe/Berlin")
	berlinAcrossFallBack := win(nil, "01:30", 120, "Europe/Berlin")
	tests := []struct {
		name      string
		windows   []v1alpha1.MaintenanceWindow
		now       string
		wantOpen  bool
		wantClose string // when open
		wantNext  string
	}{
		{name: "inside a daily UTC window", windows: []v1alpha1.MaintenanceWindow{daily2}, now: "2026-06-10T02:30:00Z",
			wantOpen: true, wantClose: "2026-06-10T03:00:00Z", wantNext: "2026-06-10T02:30:00Z"},
		{name: "the end is exclusive", windows: []v1alpha1.MaintenanceWindow{daily2}, now: "2026-06-10T03:00:00Z",
			wantNext: "2026-06-11T02:00:00Z"},
		{name: "the start is inclusive", windows: []v1alpha1.MaintenanceWindow{daily2}, now: "2026-06-10T02:00:00Z",
			wantOpen: true, wantClose: "2026-06-10T03:00:00Z", wantNext: "2026-06-10T02:00:00Z"},
		// 2026-06-12 is a Friday.
		{name: "across midnight: still open after it, on a day not listed", windows: []v1alpha1.MaintenanceWindow{weekendNight},
			now: "2026-06-14T01:00:00Z", wantOpen: true, wantClose: "2026-06-14T02:00:00Z", wantNext: "2026-06-14T01:00:00Z"},
		{name: "across midnight: closed on Sunday night, next Friday", windows: []v1alpha1.MaintenanceWindow{weekendNight},
			now: "2026-06-14T23:00:00Z", wantNext: "2026-06-19T22:00:00Z"},
		{name: "windows that touch are one open time", windows: []v1alpha1.MaintenanceWindow{
			win(nil, "22:00", 120, "UTC"), win(nil, "00:00", 120, "UTC")},
			now: "2026-06-10T23:00:00Z", wantOpen: true, wantClose: "2026-06-11T02:00:00Z", wantNext: "2026-06-10T23:00:00Z"},
		// Europe/Berlin springs forward on 2026-03-29 at 02:00 CET (01:00 UTC) to 03:00 CEST.
		{name: "spring forward: a 02:30 start the clock skips opens at the jump", windows: []v1alpha1.MaintenanceWindow{berlin0230},
			now: "2026-03-29T00:30:00Z", wantNext: "2026-03-29T01:00:00Z"},
		{name: "spring forward: open from the jump for the whole duration", windows: []v1alpha1.MaintenanceWindow{berlin0230},
			now: "2026-03-29T01:10:00Z", wantOpen: true, wantClose: "2026-03-29T02:00:00Z", wantNext: "2026-03-29T01:10:00Z"},
		{name: "spring forward: the day before is still CET", windows: []v1alpha1.MaintenanceWindow{berlin0230},
			now: "2026-03-28T00:00:00Z", wantNext: "2026-03-28T01:30:00Z"},
		{name: "spring forward: the day after is CEST", windows: []v1alpha1.MaintenanceWindow{berlin0230},
			now: "2026-03-29T03:00:00Z", wantNext: "2026-03-30T00:30:00Z"},
		// Europe/Berlin falls back on 2026-10-25 at 03:00 CEST (01:00 UTC) to 02:00 CET.
		{name: "fall back: a 02:30 start the clock passes twice opens at the first", windows: []v1alpha1.MaintenanceWindow{berlin0230},
			now: "2026-10-25T00:00:00Z", wantNext: "2026-10-25T00:30:00Z"},
		{name: "fall back: the window lasts its elapsed duration, through the repeated hour", windows: []v1alpha1.MaintenanceWindow{berlin0230},
			now: "2026-10-25T01:20:00Z", wantOpen: true, wantClose: "2026-10-25T01:30:00Z", wantNext: "2026-10-25T01:20:00Z"},
		{name: "a window across the fall-back hour: open in the repeated 02:15 CET", windows: []v1alpha1.MaintenanceWindow{berlinAcrossFallBack},
			now: "2026-10-25T01:15:00Z", wantOpen: true, wantClose: "2026-10-25T01:30:00Z", wantNext: "2026-10-25T01:15:00Z"},
		{name: "a window across the fall-back hour: closed two elapsed hours after 01:30 CEST", windows: []v1alpha1.MaintenanceWindow{berlinAcrossFallBack},
			now: "2026-10-25T01:30:00Z", wantNext: "2026-10-26T00:30:00Z"},
		// America/New_York springs forward on 2026-03-08 at 02:00 EST (07:00 UTC).
		{name: "spring forward in New York, on a listed day", windows: []v1alpha1.MaintenanceWindow{
			win([]v1alpha1.Weekday{"Sun"}, "02:15", 30, "America/New_York")},
			now: "2026-03-08T06:00:00Z", wantNext: "2026-03-08T07:00:00Z"},
		{name: "no windows: always open, nothing to wait for", now: "2026-06-10T12:00:00Z", wantOpen: true, wantNext: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := mustParse(t, tt.windows...)
			now := utc(tt.now)
			open, closes := Open(ws, now)
			if open != tt.wantOpen {
				t.Fatalf("Open = %v, want %v", open, tt.wantOpen)
			}
			if tt.wantClose != "" && !closes.Equal(utc(tt.wantClose)) {
				t.Errorf("closesAt = %s, want %s", closes.UTC().Format(time.RFC3339), tt.wantClose)
			}
			next := Next(ws, now)
			if tt.wantNext == "" {
				if !next.IsZero() {
					t.Errorf("Next = %s, want zero", next)
				}
				return
			}
			if !next.Equal(utc(tt.wantNext)) {
				t.Errorf("Next = %s, want %s", next.UTC().Format(time.RFC3339), tt.wantNext)
			}
		})
	}
}

func TestIntervalsMergeAndCoverTheSpan(t *testing.T) {
	ws := mustParse(t, win(nil, "22:00", 120, "UTC"), win(nil, "23:00", 120, "UTC"), win(nil, "12:00", 30, "UTC"))
	got := Intervals(ws, utc("2026-06-10T00:00:00Z"), utc("2026-06-11T00:00:00Z"))
	want := []Interval{
		{utc("2026-06-09T23:00:00Z"), utc("2026-06-10T01:00:00Z")}, // 22:00-00:00 ends at the span's start
		{utc("2026-06-10T12:00:00Z"), utc("2026-06-10T12:30:00Z")},
		{utc("2026-06-10T22:00:00Z"), utc("2026-06-11T01:00:00Z")},
	}
	if len(got) != len(want) {
		t.Fatalf("intervals %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("interval %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestParseRefusesWhatItCannotRead(t *testing.T) {
	tests := []struct {
		name string
		w    v1alpha1.MaintenanceWindow
		want string
	}{
		{name: "start", w: win(nil, "25:00", 60, ""), want: "not HH:MM"},
		{name: "zone", w: win(nil, "02:00", 60, "Mars/Olympus"), want: "time zone"},
		{name: "local", w: win(nil, "02:00", 60, "Local"), want: "IANA"},
		{name: "day", w: win([]v1alpha1.Weekday{"Funday"}, "02:00", 60, ""), want: "day"},
		{name: "duration", w: win(nil, "02:00", 0, ""), want: "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAll([]v1alpha1.MaintenanceWindow{tt.w})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "window 0") {
				t.Fatalf("error %v, want one naming window 0 and %q", err, tt.want)
			}
		})
	}
}
