// Package apikeys reads a provider's API keys from the environment the one
// way every part of the arena does: the variable itself, then the same name
// followed by 1 … 9 (NIM_API_KEY, NIM_API_KEY1 …); every one set joins a
// round-robin rotation, in that order.
package apikeys

import (
	"strconv"
	"strings"
)

// Read returns the values of env, env1 … env9 that are set (blank values
// are not keys).
func Read(getenv func(string) string, env string) []string {
	if env == "" {
		return nil
	}
	var keys []string
	for i := range 10 {
		name := env
		if i > 0 {
			name += strconv.Itoa(i)
		}
		if k := strings.TrimSpace(getenv(name)); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}
