//go:build linux

package main

import (
	"fmt"
	"syscall"
)

// raiseFileLimit lifts RLIMIT_NOFILE to at least n open files: the soft
// limit up to the hard one, and the hard one too where the process may (root).
func raiseFileLimit(n int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("read RLIMIT_NOFILE: %w", err)
	}
	want := uint64(n)
	if lim.Cur >= want {
		return nil
	}
	lim.Cur = want
	if lim.Max < want {
		lim.Max = want
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("raise RLIMIT_NOFILE to %d (run as root or raise the hard limit): %w", n, err)
	}
	return nil
}
