package window

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// 2026-12-07 is a Monday.
func TestContainsAndNextOpen(t *testing.T) {
	tests := []struct {
		name, spec, now string
		in              bool
		next            string
	}{
		{"inside", "Mon 06:00-10:00 UTC", "2026-12-07T07:00:00Z", true, "2026-12-07T07:00:00Z"},
		{"at_open", "Mon 06:00-10:00 UTC", "2026-12-07T06:00:00Z", true, "2026-12-07T06:00:00Z"},
		{"at_close_is_out", "Mon 06:00-10:00 UTC", "2026-12-07T10:00:00Z", false, "2026-12-14T06:00:00Z"},
		{"before_same_day", "Mon 06:00-10:00", "2026-12-07T05:59:00Z", false, "2026-12-07T06:00:00Z"},
		{"next_week", "Mon 06:00-10:00 UTC", "2026-12-08T07:00:00Z", false, "2026-12-14T06:00:00Z"},
		{"weekdays_range", "Mon-Fri 06:00-10:00 UTC", "2026-12-12T07:00:00Z", false, "2026-12-14T06:00:00Z"},
		{"wrapping_days", "Fri-Mon 06:00-10:00 UTC", "2026-12-13T07:00:00Z", true, "2026-12-13T07:00:00Z"},
		{"past_midnight_late", "Sun 22:00-02:00 UTC", "2026-12-06T23:00:00Z", true, "2026-12-06T23:00:00Z"},
		{"past_midnight_early", "Sun 22:00-02:00 UTC", "2026-12-07T01:00:00Z", true, "2026-12-07T01:00:00Z"},
		{"past_midnight_after", "Sun 22:00-02:00 UTC", "2026-12-07T02:00:00Z", false, "2026-12-13T22:00:00Z"},
		{"list", "Tue,Thu 09:00-09:30", "2026-12-08T09:45:00Z", false, "2026-12-10T09:00:00Z"},
		{"daily_to_midnight", "daily 23:00-24:00", "2026-12-07T23:59:00Z", true, "2026-12-07T23:59:00Z"},
		{"zone", "Mon 06:00-10:00 Europe/Berlin", "2026-12-07T05:30:00Z", true, "2026-12-07T05:30:00Z"},
		{"zone_before", "Mon 06:00-10:00 Europe/Berlin", "2026-12-07T04:30:00Z", false, "2026-12-07T05:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Parse(tt.spec)
			if err != nil {
				if strings.Contains(err.Error(), "not known on this machine") {
					t.Skip("no tzdata")
				}
				t.Fatal(err)
			}
			now := at(tt.now)
			if got := w.Contains(now); got != tt.in {
				t.Errorf("Contains(%s) = %v, want %v", tt.now, got, tt.in)
			}
			if got := w.NextOpen(now); !got.Equal(at(tt.next)) {
				t.Errorf("NextOpen(%s) = %s, want %s", tt.now, got.UTC().Format(time.RFC3339), tt.next)
			}
		})
	}
}

func TestCheckPicksEarliestNextWindow(t *testing.T) {
	var ws []Window
	for _, s := range []string{"Thu 06:00-10:00", "Tue 06:00-10:00"} {
		w, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	st := Check(ws, at("2026-12-07T12:00:00Z"))
	if st.Open || !st.Next.Equal(at("2026-12-08T06:00:00Z")) || st.NextSpec != "Tue 06:00-10:00" {
		t.Errorf("Check = %+v", st)
	}
	if st := Check(ws, at("2026-12-10T07:00:00Z")); !st.Open || st.In != "Thu 06:00-10:00" {
		t.Errorf("Check inside = %+v", st)
	}
	if st := Check(nil, at("2026-12-10T07:00:00Z")); !st.Open {
		t.Errorf("no windows must mean always open: %+v", st)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"Mon", "expected \"DAYS HH:MM-HH:MM [ZONE]\""},
		{"Mon 06:00-10:00 UTC extra", "expected \"DAYS"},
		{"Mun 06:00-10:00", `day "Mun"`},
		{"Mon-Fry 06:00-10:00", `day "Fry"`},
		{"Mon 0600-1000", "expected HH:MM"},
		{"Mon 06:00", "expected a time range"},
		{"Mon 25:00-26:00", "from 00:00 to 23:59"},
		{"Mon 06:60-07:00", "expected HH:MM"},
		{"Mon 06:00-06:00", "empty window"},
		{"Mon 06:00-10:00 CEST", "expected UTC or an IANA name"},
		{"Mon 06:00-10:00 Nowhere/Atlantis", "not known on this machine"},
		{"Mon 24:00-01:00", "24:00 as an end"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.spec, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Mon 06:00-10:00 UTC", "Fri-Mon 22:00-02:00", "daily 00:00-24:00", "Tue,Thu 9:00-9:30 Europe/Berlin", "* 1:2-3:4", "Mon--Fri 06:00-07:00"} {
		f.Add(s, int64(1796000000))
	}
	f.Fuzz(func(t *testing.T, spec string, unix int64) {
		w, err := Parse(spec)
		if err != nil {
			return
		}
		now := time.Unix(unix%(1<<40), 0)
		next := w.NextOpen(now)
		if next.IsZero() {
			t.Fatalf("%q: no next opening from %s", spec, now)
		}
		if next.Before(now) || !w.Contains(next) {
			t.Fatalf("%q: next opening %s from %s is not inside the window", spec, next, now)
		}
		if w.Contains(now) != next.Equal(now) {
			t.Fatalf("%q: Contains(%s)=%v but NextOpen=%s", spec, now, w.Contains(now), next)
		}
	})
}

func TestUntil(t *testing.T) {
	for d, want := range map[time.Duration]string{
		138 * time.Hour: "5d 18h", 125 * time.Minute: "2h 5m", 3*time.Minute + 20*time.Second: "3m", 0: "0m",
	} {
		if got := Until(d); got != want {
			t.Errorf("Until(%s) = %q, want %q", d, got, want)
		}
	}
}
