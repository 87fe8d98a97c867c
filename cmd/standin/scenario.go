package main

import "context"

// runScenario is replaced when its issue lands.
func runScenario(ctx context.Context, args []string, e env) error {
	return usageError("standin scenario: not yet available in this build")
}
