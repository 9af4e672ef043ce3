package membership

import (
	"context"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ManagementAccountFromContext returns the account the invoked Lambda
// function runs in, or "" outside Lambda. Landfall's launch function is
// deployed in the organization's management account, so this is the account
// that plans leave out unless they include it.
func ManagementAccountFromContext(ctx context.Context) string {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok {
		return ""
	}
	a, err := arn.Parse(lc.InvokedFunctionArn)
	if err != nil {
		return ""
	}
	return a.AccountID
}

// ManagementAccount returns configured when it is set, else the account of
// the invoked Lambda function: the one way the launch function, status and
// the membership check decide which account is the management account.
func ManagementAccount(ctx context.Context, configured string) string {
	if configured != "" {
		return configured
	}
	return ManagementAccountFromContext(ctx)
}
