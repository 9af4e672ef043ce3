package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// scriptedSTS answers STS calls with the given error codes in turn, then
// success. It stands in for the network, so the SDK's real retry middleware
// runs.
type scriptedSTS struct {
	mu    sync.Mutex
	codes []string
	calls int
}

const stsOK = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
	`<Arn>arn:aws:iam::111111111111:user/x</Arn><UserId>AIDX</UserId><Account>111111111111</Account>` +
	`</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`

func (s *scriptedSTS) Do(*http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	status, body := 200, stsOK
	if len(s.codes) > 0 {
		code := s.codes[0]
		s.codes = s.codes[1:]
		status = map[string]int{"Throttling": 400, "InternalFailure": 500, "AccessDenied": 403}[code]
		body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>` + code +
			`</Code><Message>scripted</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: io.NopCloser(strings.NewReader(body))}, nil
}

func stsClient(h aws.HTTPClient, counting bool) *sts.Client {
	return sts.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		HTTPClient:  h,
		Retryer: func() aws.Retryer {
			r := retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 4
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
			if counting {
				return CountingRetryer(r)
			}
			return r
		},
	})
}

func TestCountingRetryerCountsThrottleRetries(t *testing.T) {
	tests := []struct {
		name      string
		codes     []string
		wantCount int
		wantCalls int
		wantErr   bool
	}{
		{"no error", nil, 0, 1, false},
		{"two throttles absorbed", []string{"Throttling", "Throttling"}, 2, 3, false},
		{"server error retried but not a throttle", []string{"InternalFailure", "Throttling"}, 1, 3, false},
		{"not retried", []string{"AccessDenied"}, 0, 1, true},
		// The fourth attempt's throttle is not retried: three absorbed, then the error.
		{"attempts exhausted", []string{"Throttling", "Throttling", "Throttling", "Throttling"}, 3, 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scriptedSTS{codes: tt.codes}
			ctx, th := CountThrottles(context.Background())
			_, err := stsClient(h, true).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if h.calls != tt.wantCalls {
				t.Errorf("%d attempts, want %d: the wrapper must not change retrying", h.calls, tt.wantCalls)
			}
			if th.Count() != tt.wantCount {
				t.Errorf("counted %d throttle retries, want %d", th.Count(), tt.wantCount)
			}
		})
	}
}

func TestCountsStayWithTheirContext(t *testing.T) {
	client := stsClient(&scriptedSTS{codes: []string{"Throttling"}}, true)
	ctxA, a := CountThrottles(context.Background())
	_, b := CountThrottles(context.Background())
	if _, err := client.GetCallerIdentity(ctxA, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if a.Count() != 1 || b.Count() != 0 {
		t.Errorf("counts a=%d b=%d, want 1 and 0", a.Count(), b.Count())
	}
	// A context without a counter is retried just the same.
	h := &scriptedSTS{codes: []string{"Throttling"}}
	if _, err := stsClient(h, true).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil || h.calls != 2 {
		t.Errorf("without a counter: err %v, %d attempts; want nil and 2", err, h.calls)
	}
}

// v1Retryer implements only aws.Retryer.
type v1Retryer struct{ aws.Retryer }

func TestCountingRetryerKeepsTheWrappedSettings(t *testing.T) {
	std := retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 6 })
	for name, r := range map[string]aws.RetryerV2{"v2": CountingRetryer(std), "v1": CountingRetryer(v1Retryer{std})} {
		if r.MaxAttempts() != 6 {
			t.Errorf("%s: MaxAttempts %d, want the wrapped retryer's 6", name, r.MaxAttempts())
		}
		if _, err := r.GetAttemptToken(context.Background()); err != nil {
			t.Errorf("%s: GetAttemptToken: %v", name, err)
		}
	}
}
