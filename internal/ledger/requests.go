package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Request is the audit record of one manual invocation of the launch
// function: what was asked, by whom (self-asserted), what it resolved to
// and what came of it. CloudTrail's data events on the function are the
// authoritative record of who invoked it; this is the readable one.
type Request struct {
	// RequestID is the Lambda request ID; PayloadHash the SHA-256 of the
	// payload (hex), which together identify the invocation across
	// Lambda's retries.
	RequestID   string `json:"requestId"`
	PayloadHash string `json:"payloadHash"`
	// Kind is the payload's kind (accounts, ous, all, status, drift, runs,
	// run, cancel), empty when the payload was invalid.
	Kind string `json:"kind,omitempty"`
	// Payload is the validated request as JSON, or for an invalid one the
	// payload as sent, clipped.
	Payload     string `json:"payload"`
	RequestedBy string `json:"requestedBy,omitempty"`
	// Accounts and Runs are what the request resolved to and queued, at
	// most MaxListed each; AccountCount and RunCount are the full counts.
	Accounts     []string  `json:"accounts,omitempty"`
	AccountCount int       `json:"accountCount"`
	Runs         []string  `json:"runs,omitempty"`
	RunCount     int       `json:"runCount"`
	Targets      int       `json:"targets"`
	Excluded     int       `json:"excluded"`
	Outcome      string    `json:"outcome"`
	Message      string    `json:"message,omitempty"`
	Error        string    `json:"error,omitempty"`
	At           time.Time `json:"at"`
	// Attempts counts the invocations with this request ID and payload
	// (Lambda retries an asynchronous invocation with the same ID).
	Attempts int `json:"attempts"`
}

// MaxListed bounds the accounts and run IDs an audit record lists, so a
// backfill of the largest organization stays inside DynamoDB's 400 KB item.
const MaxListed = 2000

// maxPayload bounds the payload an audit record keeps.
const maxPayload = 16 << 10

func requestKey(requestID, hash string) item {
	return item{AttrPK: str("REQUEST#" + requestID + "#" + hash), AttrSK: str("REQUEST")}
}

// RecordRequest writes (or, for a retry of the same invocation, rewrites)
// the audit record of a manual invocation.
func (l *Ledger) RecordRequest(ctx context.Context, r *Request) error {
	at := r.At
	if at.IsZero() {
		at = l.now()
	}
	vals := item{
		":kind": str(r.Kind), ":payload": str(clip(r.Payload, maxPayload)), ":by": str(r.RequestedBy),
		":accounts": strs(first(r.Accounts)), ":accountCount": num(int64(max(r.AccountCount, len(r.Accounts)))),
		":runs": strs(first(r.Runs)), ":runCount": num(int64(max(r.RunCount, len(r.Runs)))),
		":targets": num(int64(r.Targets)), ":excluded": num(int64(r.Excluded)), ":outcome": str(r.Outcome),
		":message": str(clip(r.Message, 4096)), ":error": str(clip(r.Error, 4096)), ":at": stamp(at),
		":requestId": str(r.RequestID), ":hash": str(r.PayloadHash), ":one": num(1),
		":expires": epoch(at.Add(l.retention())), ":request": str("request"),
	}
	_, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(l.Table),
		Key:       requestKey(r.RequestID, r.PayloadHash),
		UpdateExpression: aws.String("SET kind = :request, requestId = :requestId, payloadHash = :hash, requestKind = :kind, payload = :payload, " +
			"requestedBy = :by, accounts = :accounts, accountCount = :accountCount, runs = :runs, runCount = :runCount, " +
			"targets = :targets, excluded = :excluded, outcome = :outcome, message = :message, #error = :error, #at = :at, expiresAt = :expires, " +
			"createdAt = if_not_exists(createdAt, :at) " +
			"ADD attempts :one"),
		ExpressionAttributeNames:  map[string]string{"#error": "error", "#at": "at"},
		ExpressionAttributeValues: vals,
	})
	if err != nil {
		return fmt.Errorf("ledger: record request %s: %w", r.RequestID, err)
	}
	return nil
}

// GetRequest reads the audit record of a manual invocation.
func (l *Ledger) GetRequest(ctx context.Context, requestID, hash string) (*Request, error) {
	out, err := l.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(l.Table), Key: requestKey(requestID, hash), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("ledger: read request %s: %w", requestID, err)
	}
	if len(out.Item) == 0 {
		return nil, fmt.Errorf("request %s: %w", requestID, ErrNotFound)
	}
	it := out.Item
	return &Request{
		RequestID: getS(it, "requestId"), PayloadHash: getS(it, "payloadHash"), Kind: getS(it, "requestKind"),
		Payload: getS(it, "payload"), RequestedBy: getS(it, "requestedBy"), Accounts: getStrs(it, "accounts"),
		AccountCount: int(getN(it, "accountCount")), Runs: getStrs(it, "runs"), RunCount: int(getN(it, "runCount")),
		Targets: int(getN(it, "targets")), Excluded: int(getN(it, "excluded")), Outcome: getS(it, "outcome"),
		Message: getS(it, "message"), Error: getS(it, "error"), At: getTime(it, "at"), Attempts: int(getN(it, "attempts")),
	}, nil
}

func first(v []string) []string { return v[:min(len(v), MaxListed)] }

// clip shortens s to n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + " [...]"
}
