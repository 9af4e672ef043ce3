package tables

import (
	"errors"
	"net/http"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// dataPlane are the item operations, which DynamoDB throttles per table.
var dataPlane = map[string]string{
	"PutItem": "Write", "UpdateItem": "Write", "DeleteItem": "Write",
	"GetItem": "Read", "Query": "Read", "Scan": "Read",
}

// Faults is a middleware for the emulator's chain, placed before the
// fault middleware: it rewords the generic faults it injects into
// DynamoDB calls the way DynamoDB answers them. A throttled item
// operation on an on-demand table is ProvisionedThroughputExceededException
// with its ThrottlingReasons (control-plane calls keep
// ThrottlingException), and an internal failure is InternalServerError.
// The SDK's standard retryer retries both.
func Faults() wire.Middleware {
	return func(next wire.Operation) wire.Operation {
		return func(r *wire.Request) (any, error) {
			out, err := next(r)
			if err == nil || r.Service != "dynamodb" {
				return out, err
			}
			var e *wire.Error
			if !errors.As(err, &e) {
				return out, err
			}
			return out, reword(r, e)
		}
	}
}

func reword(r *wire.Request, e *wire.Error) error {
	kind, item := dataPlane[r.Operation]
	switch {
	case e.Code == "ThrottlingException" && item:
		name, index := names(r)
		scope, resource := "Table", ARN(r.Caller.Account, r.Region, name)
		if index != "" { // a Query or Scan of an index is throttled by the index
			scope, resource = "Index", resource+"/index/"+index
		}
		return &wire.Error{
			Code:    "ProvisionedThroughputExceededException",
			Message: "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.",
			Fields: map[string]any{"ThrottlingReasons": []map[string]string{{
				"reason": scope + kind + "KeyRangeThroughputExceeded", "resource": resource,
			}}},
		}
	case e.Code == "InternalFailure":
		return &wire.Error{Code: "InternalServerError", Message: "Internal server error", Status: http.StatusInternalServerError, Server: true}
	}
	return e
}

// names reads the TableName and IndexName members of a request, "" when
// absent.
func names(r *wire.Request) (table, index string) {
	var in struct{ TableName, IndexName string }
	if r.DecodeJSON(&in) != nil {
		return "", ""
	}
	return in.TableName, in.IndexName
}
