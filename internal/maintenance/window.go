package maintenance

import (
	"fmt"
	"time"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Window is one recurring maintenance window, parsed.
//
// A window opens on each of its Days at Start by the local wall clock of Location and stays
// open for Duration of elapsed time, so a window across the autumn fall-back hour ends an
// hour earlier by the wall clock and one across the spring-forward hour an hour later. A
// Start the clock skips (02:30 on a spring-forward day in Europe) opens the window when the
// clock jumps, at 03:00; a Start the clock passes twice (02:30 on a fall-back day) opens it
// at the first of the two.
type Window struct {
	// Days the window opens on; empty means every day.
	Days []time.Weekday
	// Hour and Minute are the local opening time.
	Hour, Minute int
	Duration     time.Duration
	// Location is the window's time zone; nil means UTC.
	Location *time.Location
}

// Interval is an open span [Start, End).
type Interval struct {
	Start, End time.Time
}

// Contains reports whether t lies in [Start, End).
func (i Interval) Contains(t time.Time) bool { return !t.Before(i.Start) && t.Before(i.End) }

var weekdays = map[v1alpha1.Weekday]time.Weekday{
	"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday, "Wed": time.Wednesday,
	"Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday,
}

// Parse reads an API window: Start as HH:MM, DurationMinutes, TimeZone (empty is UTC).
func Parse(w v1alpha1.MaintenanceWindow) (Window, error) {
	start, err := time.Parse("15:04", w.Start)
	if err != nil {
		return Window{}, fmt.Errorf("start %q is not HH:MM", w.Start)
	}
	if w.DurationMinutes <= 0 {
		return Window{}, fmt.Errorf("duration %d minutes is not positive", w.DurationMinutes)
	}
	out := Window{Hour: start.Hour(), Minute: start.Minute(), Duration: time.Duration(w.DurationMinutes) * time.Minute,
		Location: time.UTC}
	if w.TimeZone != "" && w.TimeZone != "Local" {
		if out.Location, err = time.LoadLocation(w.TimeZone); err != nil {
			return Window{}, fmt.Errorf("time zone %q: %w", w.TimeZone, err)
		}
	} else if w.TimeZone == "Local" {
		return Window{}, fmt.Errorf(`time zone "Local" is not an IANA zone name`)
	}
	for _, d := range w.Days {
		wd, ok := weekdays[d]
		if !ok {
			return Window{}, fmt.Errorf("day %q is not one of Mon..Sun", d)
		}
		out.Days = append(out.Days, wd)
	}
	return out, nil
}

// ParseAll parses every window; the first error names the window's index.
func ParseAll(ws []v1alpha1.MaintenanceWindow) ([]Window, error) {
	out := make([]Window, 0, len(ws))
	for i, w := range ws {
		p, err := Parse(w)
		if err != nil {
			return nil, fmt.Errorf("maintenance window %d: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (w Window) loc() *time.Location {
	if w.Location == nil {
		return time.UTC
	}
	return w.Location
}

func (w Window) on(d time.Weekday) bool {
	if len(w.Days) == 0 {
		return true
	}
	for _, x := range w.Days {
		if x == d {
			return true
		}
	}
	return false
}

// occurrences are the window's openings whose interval overlaps [from, until).
func (w Window) occurrences(from, until time.Time) []Interval {
	loc := w.loc()
	// A window lasts at most a day, so one that opened two local days before from may
	// still be open; DST shifts are covered by the extra day.
	first := from.In(loc)
	y, m, d := first.Date()
	day := time.Date(y, m, d, 12, 0, 0, 0, loc).AddDate(0, 0, -2)
	var out []Interval
	for ; ; day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		start := opening(y, m, d, w.Hour, w.Minute, loc)
		if !start.Before(until) {
			return out
		}
		if !w.on(day.Weekday()) {
			continue
		}
		if end := start.Add(w.Duration); end.After(from) {
			out = append(out, Interval{Start: start, End: end})
		}
	}
}

// opening is the first instant whose local wall clock on the date reads hh:mm. A time the
// clock passes twice is the first; a time the clock skips is the instant of the jump.
func opening(y int, m time.Month, d, hh, mm int, loc *time.Location) time.Time {
	naive := time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
	offsets := map[int]bool{}
	for _, probe := range []time.Duration{-26 * time.Hour, -13 * time.Hour, 0, 13 * time.Hour, 26 * time.Hour} {
		_, off := naive.Add(probe).In(loc).Zone()
		offsets[off] = true
	}
	var best, jump time.Time
	for off := range offsets {
		t := naive.Add(-time.Duration(off) * time.Second)
		l := t.In(loc)
		if wallEqual(l, y, m, d, hh, mm) {
			if best.IsZero() || t.Before(best) {
				best = t
			}
			continue
		}
		// hh:mm is in a gap: this offset lands past it, in the zone that starts at the jump,
		// whose wall clock is the first to read hh:mm or later.
		if wallAfter(l, y, m, d, hh, mm) {
			zs, _ := l.ZoneBounds()
			if !zs.IsZero() && !wallBefore(zs.In(loc), y, m, d, hh, mm) && (jump.IsZero() || zs.Before(jump)) {
				jump = zs
			}
		}
	}
	if !best.IsZero() {
		return best
	}
	if !jump.IsZero() {
		return jump
	}
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

func wallAfter(t time.Time, y int, m time.Month, d, hh, mm int) bool {
	return wall(t).After(time.Date(y, m, d, hh, mm, 0, 0, time.UTC))
}

func wallBefore(t time.Time, y int, m time.Month, d, hh, mm int) bool {
	return wall(t).Before(time.Date(y, m, d, hh, mm, 0, 0, time.UTC))
}

func wallEqual(t time.Time, y int, m time.Month, d, hh, mm int) bool {
	return wall(t).Equal(time.Date(y, m, d, hh, mm, 0, 0, time.UTC))
}
