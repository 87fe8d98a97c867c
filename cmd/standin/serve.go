package main

import "context"

// runServe is replaced when its issue lands.
func runServe(ctx context.Context, args []string, e env) error {
	return usageError("standin serve: not yet available in this build")
}
