package controller

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestWatchedNamespaces(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"apps", "apps"},
		{"apps,payments", "apps payments"},
		{" apps , payments ,", "apps payments"},
	} {
		got := slices.Sorted(maps.Keys(watchedNamespaces(tc.in)))
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q → %v, want %s", tc.in, got, tc.want)
		}
	}
}
