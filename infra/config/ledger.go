package config

import (
	"fmt"

	fnconfig "github.com/landfall/landfall/internal/config"
)

// KeyRunRetentionDays is how many days a finished run (and the audit record
// of a manual invocation) stays in the run ledger before DynamoDB's TTL
// removes it. The stack passes it to both functions, which stamp each
// finished item's expiresAt with it.
const KeyRunRetentionDays = "landfall:runRetentionDays"

// The run retention's default and limits are the functions' own
// (internal/config), named here for apps that embed the construct.
const (
	DefaultRunRetentionDays = fnconfig.DefaultRunRetentionDays
	MinRunRetentionDays     = fnconfig.MinRunRetentionDays
	MaxRunRetentionDays     = fnconfig.MaxRunRetentionDays
)

// CheckRunRetentionDays reports whether days is a retention the functions
// accept: the functions' own check (internal/config).
func CheckRunRetentionDays(days int) error { return fnconfig.CheckRunRetentionDays(days) }

// runRetentionProblem checks landfall:runRetentionDays, naming the key and
// what the number means.
func (c Config) runRetentionProblem() error {
	if err := CheckRunRetentionDays(c.RunRetentionDays); err != nil {
		return fmt.Errorf("%s: %w, or remove the key; it is how many days finished runs stay in the run ledger", KeyRunRetentionDays, err)
	}
	return nil
}
