package main

import "context"

// runTest is replaced when its issue lands.
func runTest(ctx context.Context, args []string, e env) error {
	return usageError("standin test: not yet available in this build")
}
