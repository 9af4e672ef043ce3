// Package awsid knows the syntax of the AWS identifiers Landfall checks in
// events, payloads, plans, runs and configuration: account, OU and root IDs
// and IAM role names. One definition each, as hand-written shapes rather than
// regexps compiled at package init (every Lambda cold start pays for those).
package awsid

import "github.com/landfall/landfall/internal/shape"

var (
	digits     = shape.Chars("0-9")
	lowerDigit = shape.Chars("0-9a-z")

	account  = shape.Of(shape.Run(digits, 12, 12))                                                                    // ^[0-9]{12}$
	ou       = shape.Of(shape.Lit("ou-"), shape.Run(lowerDigit, 4, 32), shape.Lit("-"), shape.Run(lowerDigit, 8, 32)) // ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$
	root     = shape.Of(shape.Lit("r-"), shape.Run(lowerDigit, 4, 32))                                                // ^r-[0-9a-z]{4,32}$
	roleName = shape.Of(shape.Run(shape.Chars("A-Za-z0-9_+=,.@-"), 1, 64))                                            // ^[\w+=,.@-]{1,64}$
)

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool { return account.MatchString(s) }

// IsOUID reports whether s is an Organizations OU ID (ou-xxxx-xxxxxxxx).
func IsOUID(s string) bool { return ou.MatchString(s) }

// IsRootID reports whether s is an Organizations root ID (r-xxxx).
func IsRootID(s string) bool { return root.MatchString(s) }

// IsRoleName reports whether s is an IAM role name (1-64 of [\w+=,.@-]).
func IsRoleName(s string) bool { return roleName.MatchString(s) }
