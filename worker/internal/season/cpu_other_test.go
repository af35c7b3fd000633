//go:build !linux

package season

import "time"

// threadCPU falls back to the process's CPU time.
func threadCPU() time.Duration { return cpuTime() }
