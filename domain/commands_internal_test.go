package domain

import "testing"

// TestRegistryNamesAreUnique: every command is registered once, so the
// index by name holds them all.
func TestRegistryNamesAreUnique(t *testing.T) {
	if len(commandSpecs) != len(registry) {
		seen := map[string]int{}
		for _, c := range registry {
			seen[c.Name]++
		}
		for name, n := range seen {
			if n > 1 {
				t.Errorf("command %s is registered %d times", name, n)
			}
		}
	}
}
