// Package window parses and evaluates lock refresh windows, the times of the
// week in which `pinwheel refresh` may propose upgrades: "Mon 06:00-10:00
// UTC", "Mon-Fri 22:00-02:00 Europe/Berlin", "daily 09:00-09:30".
//
// It owns the spec grammar, Contains and Next; it does no I/O beyond loading
// a named time zone, and knows nothing of packages or indexes.
package window

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Window is one parsed refresh window: on the given weekdays, from Start to
// End (minutes after midnight in Loc). End <= Start means the window runs
// past midnight into the next day.
type Window struct {
	Spec       string
	Days       [7]bool // indexed by time.Weekday
	Start, End int     // minutes after midnight; End may be 1440 (24:00)
	Loc        *time.Location
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Parse reads "DAYS HH:MM-HH:MM [ZONE]". DAYS is "daily", "*", a day
// ("Mon"), a range ("Mon-Fri", "Fri-Mon" wraps) or a comma list of those;
// ZONE is "UTC" (the default) or an IANA name such as "Europe/Berlin".
func Parse(spec string) (Window, error) {
	w := Window{Spec: spec, Loc: time.UTC}
	fields := strings.Fields(spec)
	if len(fields) < 2 || len(fields) > 3 {
		return w, fmt.Errorf("window %q: expected \"DAYS HH:MM-HH:MM [ZONE]\", e.g. \"Mon-Fri 06:00-10:00 UTC\"", spec)
	}
	if err := w.parseDays(fields[0]); err != nil {
		return w, fmt.Errorf("window %q: %w", spec, err)
	}
	from, to, ok := strings.Cut(fields[1], "-")
	if !ok {
		return w, fmt.Errorf("window %q: expected a time range HH:MM-HH:MM, got %q", spec, fields[1])
	}
	var err error
	if w.Start, err = clock(from, false); err != nil {
		return w, fmt.Errorf("window %q: start: %w", spec, err)
	}
	if w.End, err = clock(to, true); err != nil {
		return w, fmt.Errorf("window %q: end: %w", spec, err)
	}
	if w.Start == w.End {
		return w, fmt.Errorf("window %q: start and end are the same time (an empty window)", spec)
	}
	if len(fields) == 3 {
		if w.Loc, err = zone(fields[2]); err != nil {
			return w, fmt.Errorf("window %q: %w", spec, err)
		}
	}
	return w, nil
}

func zone(name string) (*time.Location, error) {
	if strings.EqualFold(name, "UTC") || name == "Z" {
		return time.UTC, nil
	}
	if !strings.Contains(name, "/") {
		return nil, fmt.Errorf("time zone %q: expected UTC or an IANA name such as Europe/Berlin", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: not known on this machine (expected UTC or an IANA name such as Europe/Berlin)", name)
	}
	return loc, nil
}

func (w *Window) parseDays(s string) error {
	if s == "*" || strings.EqualFold(s, "daily") {
		for i := range w.Days {
			w.Days[i] = true
		}
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok := dayNames[strings.ToLower(from)]
		if !ok {
			return fmt.Errorf("day %q: expected Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range like Mon-Fri, or daily", from)
		}
		b := a
		if isRange {
			if b, ok = dayNames[strings.ToLower(to)]; !ok {
				return fmt.Errorf("day %q: expected Mon, Tue, Wed, Thu, Fri, Sat, Sun", to)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			w.Days[d] = true
			if d == b {
				break
			}
		}
	}
	return nil
}

// clock parses HH:MM; 24:00 only as an end.
func clock(s string, end bool) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(hh) == 0 || len(hh) > 2 || len(mm) != 2 || h < 0 || m < 0 || m > 59 {
		return 0, fmt.Errorf("expected HH:MM, got %q", s)
	}
	if h > 23 && !(end && h == 24 && m == 0) {
		return 0, fmt.Errorf("expected a time from 00:00 to 23:59 (24:00 as an end), got %q", s)
	}
	return h*60 + m, nil
}

// openings returns the [open, close) interval of the window starting on
// the calendar day of day (in w.Loc), if the window opens that day.
func (w Window) opening(day time.Time) (open, close time.Time, ok bool) {
	if !w.Days[day.Weekday()] {
		return time.Time{}, time.Time{}, false
	}
	y, m, d := day.Date()
	open = time.Date(y, m, d, w.Start/60, w.Start%60, 0, 0, w.Loc)
	endDay := d
	if w.End <= w.Start {
		endDay++
	}
	close = time.Date(y, m, endDay, w.End/60, w.End%60, 0, 0, w.Loc)
	return open, close, true
}

// Contains reports whether t falls in the window.
func (w Window) Contains(t time.Time) bool {
	t = t.In(w.Loc)
	for back := 0; back <= 1; back++ { // an opening yesterday may run past midnight
		y, m, d := t.Date()
		day := time.Date(y, m, d-back, 12, 0, 0, 0, w.Loc)
		if open, close, ok := w.opening(day); ok && !t.Before(open) && t.Before(close) {
			return true
		}
	}
	return false
}

// NextOpen is the first time after t (or t itself when inside) at which
// the window is open.
func (w Window) NextOpen(t time.Time) time.Time {
	lt := t.In(w.Loc)
	for ahead := -1; ahead <= 8; ahead++ {
		y, m, d := lt.Date()
		day := time.Date(y, m, d+ahead, 12, 0, 0, 0, w.Loc)
		open, close, ok := w.opening(day)
		if !ok || !t.Before(close) {
			continue
		}
		if t.Before(open) {
			return open
		}
		return t
	}
	return time.Time{} // no day selected: cannot happen after Parse
}

// Status is where t stands against a set of windows.
type Status struct {
	Open bool
	// In is the spec of the window t is in, when Open.
	In string
	// Next is the next opening of any window when not Open, and NextSpec
	// its spec.
	Next     time.Time
	NextSpec string
}

// Check says whether t is inside any of ws and, if not, when the next one
// opens. No windows means always open.
func Check(ws []Window, t time.Time) Status {
	if len(ws) == 0 {
		return Status{Open: true}
	}
	var st Status
	for _, w := range ws {
		if w.Contains(t) {
			return Status{Open: true, In: w.Spec}
		}
		if n := w.NextOpen(t); !n.IsZero() && (st.Next.IsZero() || n.Before(st.Next)) {
			st.Next, st.NextSpec = n, w.Spec
		}
	}
	return st
}

// Until says a wait in days, hours and minutes ("5d 18h", "2h 5m", "3m").
func Until(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	days, hours, mins := m/(24*60), m/60%24, m%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	}
	return fmt.Sprintf("%dm", mins)
}
