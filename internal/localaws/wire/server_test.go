package wire_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/wire"
)

type callerIdentity struct {
	UserId  string //nolint:revive // the wire name
	Account string
	Arn     string
}

type credentialsXML struct {
	AccessKeyId     string //nolint:revive // the wire name
	SecretAccessKey string
	SessionToken    string
	Expiration      wire.Timestamp
}

type assumeRoleResult struct {
	Credentials     credentialsXML
	AssumedRoleUser struct {
		AssumedRoleId string //nolint:revive // the wire name
		Arn           string
	}
}

func TestQuerySuccessThroughSDK(t *testing.T) {
	var seen *wire.Request
	srv := newServer(t, fakeSTS(map[string]wire.Operation{
		"GetCallerIdentity": func(r *wire.Request) (any, error) {
			seen = r
			return callerIdentity{UserId: r.Caller.UserID, Account: r.Caller.Account, Arn: r.Caller.ARN}, nil
		},
		"AssumeRole": func(r *wire.Request) (any, error) {
			res := assumeRoleResult{Credentials: credentialsXML{
				AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "tok",
				Expiration: wire.Timestamp(r.Now.Add(time.Hour)),
			}}
			res.AssumedRoleUser.Arn = "arn:aws:sts::222222222222:assumed-role/R/" + r.Form.Get("RoleSessionName")
			res.AssumedRoleUser.AssumedRoleId = "AROAEXAMPLE:" + r.Form.Get("RoleSessionName")
			return res, nil
		},
	}))
	client := sts.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))

	out, err := client.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if aws.ToString(out.Account) != "111111111111" || aws.ToString(out.Arn) != "arn:aws:iam::111111111111:user/admin" || aws.ToString(out.UserId) != "AIDAADMIN" {
		t.Errorf("GetCallerIdentity = %+v", out)
	}
	if seen.Region != "us-west-1" || seen.Service != "sts" || seen.Operation != "GetCallerIdentity" ||
		seen.Caller.AccessKeyID != "AKIDADMIN" || !seen.Now.Equal(start) || seen.Protocol != wire.Query || seen.RequestID == "" {
		t.Errorf("decoded request = %+v", seen)
	}

	ar, err := client.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/R"), RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if got := aws.ToTime(ar.Credentials.Expiration); !got.Equal(start.Add(time.Hour)) {
		t.Errorf("Expiration = %v, want %v", got, start.Add(time.Hour))
	}
	if aws.ToString(ar.AssumedRoleUser.Arn) != "arn:aws:sts::222222222222:assumed-role/R/s1" || aws.ToString(ar.Credentials.AccessKeyId) != "ASIAEXAMPLE" {
		t.Errorf("AssumeRole = %+v %+v", ar.AssumedRoleUser, ar.Credentials)
	}
}

func TestJSONSuccessThroughSDK(t *testing.T) {
	joined := time.Date(2025, 6, 1, 12, 30, 15, 250e6, time.UTC)
	srv := newServer(t, fakeOrganizations(map[string]wire.Operation{
		"DescribeAccount": func(r *wire.Request) (any, error) {
			var in struct{ AccountId string }
			if err := r.DecodeJSON(&in); err != nil {
				return nil, err
			}
			type account struct {
				Id              string
				JoinedTimestamp wire.Timestamp
			}
			return map[string]any{"Account": account{Id: in.AccountId, JoinedTimestamp: wire.Timestamp(joined)}}, nil
		},
	}))
	client := organizations.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))
	out, err := client.DescribeAccount(ctx(t), &organizations.DescribeAccountInput{AccountId: aws.String("222222222222")})
	if err != nil {
		t.Fatalf("DescribeAccount: %v", err)
	}
	if aws.ToString(out.Account.Id) != "222222222222" || !aws.ToTime(out.Account.JoinedTimestamp).Equal(joined) {
		t.Errorf("DescribeAccount = %+v", out.Account)
	}
}

func TestErrorsThroughSDK(t *testing.T) {
	stsOps := map[string]wire.Operation{
		"GetCallerIdentity": func(r *wire.Request) (any, error) { return callerIdentity{}, nil },
		"AssumeRole": func(r *wire.Request) (any, error) {
			switch r.Form.Get("RoleSessionName") {
			case "denied":
				return nil, wire.AccessDenied("User: x is not authorized to perform: sts:AssumeRole on resource: y")
			case "disabled":
				return nil, &wire.Error{Code: "RegionDisabledException", Message: "STS is not activated in this region", Status: http.StatusForbidden}
			case "bug":
				return nil, errors.New("database on fire")
			case "panic":
				panic("nil map")
			}
			return assumeRoleResult{}, nil
		},
	}
	orgOps := map[string]wire.Operation{
		"DescribeAccount": func(r *wire.Request) (any, error) {
			return nil, &wire.Error{Code: "AccountNotFoundException", Message: "You specified an account that doesn't exist."}
		},
		"ListRoots": func(r *wire.Request) (any, error) { return nil, wire.Throttled() },
	}
	sqsOps := map[string]wire.Operation{
		"GetQueueUrl": func(r *wire.Request) (any, error) {
			return nil, &wire.Error{Code: "QueueDoesNotExist", Message: "The specified queue does not exist.", QueryCode: "AWS.SimpleQueueService.NonExistentQueue"}
		},
	}
	srv := newServer(t, fakeSTS(stsOps), fakeOrganizations(orgOps), fakeSQS(sqsOps))
	stsc := sts.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))
	orgc := organizations.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))
	sqsc := sqs.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))
	assume := func(session string) error {
		_, err := stsc.AssumeRole(ctx(t), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/R"), RoleSessionName: aws.String(session)})
		return err
	}
	anonymous := sdkConfig(srv, "")
	anonymous.Credentials = aws.AnonymousCredentials{}

	tests := []struct {
		name        string
		call        func() error
		wantCode    string
		wantMessage string
		wantFault   smithy.ErrorFault
		wantCalls   int // of key, 0 to skip
		key         string
	}{
		{name: "query access denied", call: func() error { return assume("denied") }, wantCode: "AccessDenied", wantMessage: "sts:AssumeRole on resource: y"},
		{name: "query modelled error", call: func() error { return assume("disabled") }, wantCode: "RegionDisabledException", wantMessage: "not activated"},
		{name: "plain error is InternalFailure, retried", call: func() error { return assume("bug") }, wantCode: "InternalFailure", wantMessage: "database on fire", key: "sts.AssumeRole", wantCalls: 3},
		{name: "panic is InternalFailure", call: func() error { return assume("panic") }, wantCode: "InternalFailure", wantMessage: "panicked"},
		{name: "query unknown action", call: func() error {
			_, err := stsc.GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
			return err
		}, wantCode: "InvalidAction", wantMessage: "GetSessionToken", key: "sts.GetSessionToken", wantCalls: 1},
		{name: "query expired token", call: func() error {
			_, err := sts.NewFromConfig(sdkConfig(srv, "EXPIRED")).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			return err
		}, wantCode: "ExpiredToken", wantMessage: "expired"},
		{name: "query missing auth", call: func() error {
			_, err := sts.NewFromConfig(anonymous).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			return err
		}, wantCode: "MissingAuthenticationToken", wantMessage: "Authentication Token"},
		{name: "json modelled error", call: func() error {
			_, err := orgc.DescribeAccount(ctx(t), &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")})
			return err
		}, wantCode: "AccountNotFoundException", wantMessage: "doesn't exist"},
		{name: "json unknown operation", call: func() error {
			_, err := orgc.ListAccounts(ctx(t), &organizations.ListAccountsInput{})
			return err
		}, wantCode: "UnknownOperationException", wantMessage: "ListAccounts"},
		{name: "json throttled after retries", call: func() error {
			_, err := orgc.ListRoots(ctx(t), &organizations.ListRootsInput{})
			return err
		}, wantCode: "ThrottlingException", wantMessage: "Rate exceeded", key: "organizations.ListRoots", wantCalls: 3},
		{name: "json invalid token", call: func() error {
			_, err := organizations.NewFromConfig(sdkConfig(srv, "BOGUS")).ListRoots(ctx(t), &organizations.ListRootsInput{})
			return err
		}, wantCode: "UnrecognizedClientException", wantMessage: "invalid"},
		{name: "json missing auth", call: func() error {
			_, err := organizations.NewFromConfig(anonymous).ListRoots(ctx(t), &organizations.ListRootsInput{})
			return err
		}, wantCode: "MissingAuthenticationTokenException"},
		{name: "json query-compatible code", call: func() error {
			_, err := sqsc.GetQueueUrl(ctx(t), &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
			return err
		}, wantCode: "AWS.SimpleQueueService.NonExistentQueue", wantMessage: "does not exist", wantFault: smithy.FaultClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Calls().Reset()
			err := tt.call()
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want a smithy.APIError", err, err)
			}
			if apiErr.ErrorCode() != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q (err %v)", apiErr.ErrorCode(), tt.wantCode, err)
			}
			if !strings.Contains(apiErr.ErrorMessage(), tt.wantMessage) {
				t.Errorf("ErrorMessage = %q, want it to contain %q", apiErr.ErrorMessage(), tt.wantMessage)
			}
			if tt.wantFault != smithy.FaultUnknown && apiErr.ErrorFault() != tt.wantFault {
				t.Errorf("ErrorFault = %v, want %v", apiErr.ErrorFault(), tt.wantFault)
			}
			if tt.wantCalls != 0 {
				if got := srv.Calls().Count(tt.key); got != tt.wantCalls {
					t.Errorf("Count(%s) = %d, want %d (%v)", tt.key, got, tt.wantCalls, srv.Calls().Snapshot())
				}
			}
		})
	}

	var regionErr *ststypes.RegionDisabledException
	if err := assume("disabled"); !errors.As(err, &regionErr) {
		t.Errorf("AssumeRole error = %T, want *types.RegionDisabledException", err)
	}
}

func TestRetriesRecover(t *testing.T) {
	tests := []struct {
		name string
		fail *wire.Error
	}{
		{name: "throttled", fail: wire.Throttled()},
		{name: "internal failure", fail: wire.InternalFailure("")},
		{name: "service unavailable", fail: wire.ServiceUnavailable()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c counter
			srv := newServer(t,
				fakeSTS(map[string]wire.Operation{"GetCallerIdentity": func(r *wire.Request) (any, error) {
					if c.next()%3 != 0 {
						return nil, tt.fail
					}
					return callerIdentity{Account: r.Caller.Account}, nil
				}}),
				fakeOrganizations(map[string]wire.Operation{"ListRoots": func(r *wire.Request) (any, error) {
					if c.next()%3 != 0 {
						return nil, tt.fail
					}
					return struct{}{}, nil
				}}),
			)
			cfg := sdkConfig(srv, "AKIDADMIN")
			if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
				t.Errorf("GetCallerIdentity after two failures: %v", err)
			}
			if _, err := organizations.NewFromConfig(cfg).ListRoots(ctx(t), &organizations.ListRootsInput{}); err != nil {
				t.Errorf("ListRoots after two failures: %v", err)
			}
			want := map[string]int{"sts.GetCallerIdentity": 3, "organizations.ListRoots": 3}
			for k, n := range want {
				if got := srv.Calls().Count(k); got != n {
					t.Errorf("Count(%s) = %d, want %d", k, got, n)
				}
			}
		})
	}
}

func TestMiddlewareOrderAndCallLog(t *testing.T) {
	var order []string
	var mu sync.Mutex
	mw := func(name string) wire.Middleware {
		return func(next wire.Operation) wire.Operation {
			return func(r *wire.Request) (any, error) {
				mu.Lock()
				order = append(order, name+":"+r.Operation)
				mu.Unlock()
				return next(r)
			}
		}
	}
	srv := wire.NewServer(wire.ServerOptions{
		Services: []wire.Service{fakeSTS(map[string]wire.Operation{
			"GetCallerIdentity": func(r *wire.Request) (any, error) { return callerIdentity{}, nil },
		})},
		Auth:       testAuth,
		Middleware: []wire.Middleware{mw("outer"), mw("inner")},
	})
	for _, region := range []string{"us-east-1", "us-east-1", "eu-west-1"} {
		cfg := sdkConfig(srv, "AKIDADMIN")
		cfg.Region = region
		if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("GetCallerIdentity: %v", err)
		}
	}
	if got := strings.Join(order[:2], ","); got != "outer:GetCallerIdentity,inner:GetCallerIdentity" {
		t.Errorf("middleware order = %s", got)
	}
	log := srv.Calls()
	for _, tt := range []struct {
		account, region string
		want            int
	}{{"", "", 3}, {"111111111111", "us-east-1", 2}, {"", "eu-west-1", 1}, {"222222222222", "", 0}} {
		if got := log.CountFor("sts.GetCallerIdentity", tt.account, tt.region); got != tt.want {
			t.Errorf("CountFor(%q, %q) = %d, want %d", tt.account, tt.region, got, tt.want)
		}
	}
	if got := log.Snapshot(); len(got) != 1 || got["sts.GetCallerIdentity"] != 3 {
		t.Errorf("Snapshot = %v", got)
	}
	recs := log.Records()
	if len(recs) != 3 || recs[2].Region != "eu-west-1" || recs[0].CallerARN != "arn:aws:iam::111111111111:user/admin" || recs[0].Status != http.StatusOK || recs[0].RequestID == "" {
		t.Errorf("Records = %+v", recs)
	}
	log.Reset()
	if log.Count("sts.GetCallerIdentity") != 0 || len(log.Records()) != 0 {
		t.Errorf("after Reset: %v %v", log.Snapshot(), log.Records())
	}
}

func TestConcurrentClients(t *testing.T) {
	srv := newServer(t, fakeOrganizations(map[string]wire.Operation{
		"DescribeAccount": func(r *wire.Request) (any, error) {
			var in struct{ AccountId string }
			if err := r.DecodeJSON(&in); err != nil {
				return nil, err
			}
			return map[string]any{"Account": map[string]string{"Id": in.AccountId}}, nil
		},
	}))
	client := organizations.NewFromConfig(sdkConfig(srv, "AKIDADMIN"))
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			id := fmt.Sprintf("%012d", i)
			out, err := client.DescribeAccount(ctx(t), &organizations.DescribeAccountInput{AccountId: aws.String(id)})
			switch {
			case err != nil:
				errs <- err
			case aws.ToString(out.Account.Id) != id:
				errs <- fmt.Errorf("got account %s, want %s", aws.ToString(out.Account.Id), id)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := srv.Calls().Count("organizations.DescribeAccount"); got != 50 {
		t.Errorf("Count = %d, want 50", got)
	}
}
