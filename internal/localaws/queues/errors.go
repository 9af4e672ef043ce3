package queues

import (
	"fmt"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// sqsError builds an SQS error. Code is the JSON error type (the shape name
// the SDK's type registry knows, so the client returns e.g.
// *types.QueueDoesNotExist); queryCode is the awsQuery code the service
// sends in x-amzn-query-error, which the SDK reports as ErrorCode() (e.g.
// AWS.SimpleQueueService.NonExistentQueue), as the real service does.
func sqsError(code, queryCode, format string, args ...any) *wire.Error {
	return &wire.Error{Code: code, QueryCode: queryCode, Message: fmt.Sprintf(format, args...)}
}

func queueDoesNotExist() *wire.Error {
	return sqsError("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func invalidParameterValue(format string, args ...any) *wire.Error {
	return sqsError("InvalidParameterValue", "InvalidParameterValue", format, args...)
}

func missingParameter(name string) *wire.Error {
	return sqsError("MissingParameter", "MissingParameter", "The request must contain the parameter %s.", name)
}

func invalidAttributeName(format string, args ...any) *wire.Error {
	return sqsError("InvalidAttributeName", "InvalidAttributeName", format, args...)
}

func invalidAttributeValue(format string, args ...any) *wire.Error {
	return sqsError("InvalidAttributeValue", "InvalidAttributeValue", format, args...)
}

func receiptHandleIsInvalid(handle string) *wire.Error {
	return sqsError("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "The input receipt handle %q is not a valid receipt handle.", handle)
}

// Batch request errors.

func emptyBatch() *wire.Error {
	return sqsError("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one entry in the request.")
}

func tooManyEntries(n int) *wire.Error {
	return sqsError("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
		"Maximum number of entries per request are %d. You have sent %d.", maxBatch, n)
}

func idsNotDistinct(id string) *wire.Error {
	return sqsError("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id %s repeated.", id)
}

func invalidBatchEntryID(id string) *wire.Error {
	return sqsError("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId",
		"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. Got %q.", id)
}

func batchTooLong(size int) *wire.Error {
	return sqsError("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong",
		"Batch requests cannot be longer than %d bytes. You have sent %d bytes.", maxMessageSize, size)
}
