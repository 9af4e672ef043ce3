package localrun

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

// perInvocation is a function as the Lambda runtime runs it (JSON in and
// out, through aws-lambda-go's handler), built afresh for every
// invocation. aws-lambda-go's handler returns the response in a pooled
// buffer that its next invocation may reuse: safe one invocation at a
// time, as Lambda runs a function's process, and a data race when the
// local runner invokes a function several times at once (a concurrent
// drain, events delivered together).
type perInvocation struct {
	fn any
}

// Invoke runs one invocation on a handler of its own.
func (p perInvocation) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return lambda.NewHandler(p.fn).Invoke(ctx, payload)
}
