package lock

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
)

func readLines(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(data), "\n")
}

func sortStrings(s []string) { sort.Strings(s) }

// cloneLock deep-copies l through JSON.
func cloneLock(t testing.TB, l *Lock) *Lock {
	t.Helper()
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var out Lock
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}
