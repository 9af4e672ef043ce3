package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/manual"
)

// Every manual payload the CLI sends says who asked: "requestedBy", the
// caller's ARN from sts:GetCallerIdentity. The launch function records it
// with the request and the runs it queues, so `landfall runs` can show who
// started or cancelled a run. It is self-asserted (anyone allowed to invoke
// the function can send any text there): CloudTrail's data events on the
// launch function (the stack's landfall:launchDataEvents) are the
// authoritative record.

// requestedByHelp is what the commands' help says about it.
const requestedByHelp = `Every payload carries "requestedBy": your ARN from sts:GetCallerIdentity,
unless the payload names someone already. It is self-asserted, recorded
for reading, not trusted: CloudTrail data events on the launch function
(the stack's landfall:launchDataEvents) are the authoritative record of who
invoked it. When GetCallerIdentity fails, the payload goes without it.`

// CallerIdentity is the STS call that tells who is asking; *sts.Client
// satisfies it.
type CallerIdentity interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ CallerIdentity = (*sts.Client)(nil)

// whoAsks returns the caller's ARN for requestedBy. When STS cannot say,
// it tells the operator on w and returns "": who asked is a courtesy, and
// an operator who may invoke the function should not be stopped by a
// missing sts:GetCallerIdentity.
func whoAsks(ctx context.Context, api CallerIdentity, cmd string, w io.Writer) string {
	out, err := api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		arn := aws.ToString(out.Arn)
		if err = manual.CheckRequestedBy(arn); err == nil {
			return arn
		}
	}
	fmt.Fprintf(w, "landfall %s: sending without requestedBy: sts:GetCallerIdentity could not say who you are: %v\n", cmd, err)
	return ""
}

// withRequestedBy adds "requestedBy" to a manual payload that passed
// manual.Decode (a non-empty object), as its first key, leaving the rest
// as the operator wrote it.
func withRequestedBy(payload []byte, arn string) []byte {
	quoted, err := json.Marshal(arn)
	if err != nil || len(payload) == 0 || payload[0] != '{' {
		return payload
	}
	var b bytes.Buffer
	b.WriteString(`{"requestedBy": `)
	b.Write(quoted)
	b.WriteString(", ")
	b.Write(bytes.TrimLeft(payload[1:], " \t\r\n"))
	return b.Bytes()
}

// askLaunch invokes the launch function synchronously and returns its
// answer. A failed call is wrapped with doing ("invoke landfall-launch");
// a function error names the function and carries Lambda's message.
func askLaunch(ctx context.Context, api Invoker, function string, payload []byte, doing string) ([]byte, error) {
	out, err := api.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(function),
		InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", doing, err)
	}
	if fe := aws.ToString(out.FunctionError); fe != "" {
		var body functionError
		msg := strings.TrimSpace(string(out.Payload))
		if json.Unmarshal(out.Payload, &body) == nil && body.ErrorMessage != "" {
			msg = body.ErrorMessage
		}
		return nil, fmt.Errorf("%s answered with a function error (%s):\n%s", function, fe, msg)
	}
	return out.Payload, nil
}
