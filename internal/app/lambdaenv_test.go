package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// lambdaVars is what the Lambda runtime sets for a function.
func lambdaVars() map[string]string {
	return map[string]string{
		"AWS_REGION":            "eu-west-1",
		"AWS_ACCESS_KEY_ID":     "ASIAEXAMPLEEXAMPLE01",
		"AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_SESSION_TOKEN":     "token",
	}
}

func getenvOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLambdaAWSConfigRefusesWhatLambdaWouldHaveSet(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(map[string]string)
		names []string // each must be in the error
		not   []string // none may be
	}{
		{"no region", func(m map[string]string) { delete(m, "AWS_REGION") }, []string{"AWS_REGION"}, []string{"AWS_ACCESS_KEY_ID"}},
		{"empty secret", func(m map[string]string) { m["AWS_SECRET_ACCESS_KEY"] = "" }, []string{"AWS_SECRET_ACCESS_KEY"}, []string{"AWS_REGION"}},
		{"nothing", func(m map[string]string) { clear(m) }, []string{"AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}, []string{"AWS_SESSION_TOKEN"}},
		{"endpoint without a scheme", func(m map[string]string) { m["AWS_ENDPOINT_URL"] = "localhost:4566" }, []string{`AWS_ENDPOINT_URL "localhost:4566"`, "http://127.0.0.1:4566"}, nil},
		{"endpoint without a host", func(m map[string]string) { m["AWS_ENDPOINT_URL"] = "http://" }, []string{"AWS_ENDPOINT_URL"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := lambdaVars()
			tc.edit(vars)
			_, err := lambdaAWSConfig(getenvOf(vars))
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			for _, want := range tc.names {
				if !strings.Contains(msg, want) {
					t.Errorf("error does not name %s: %v", want, err)
				}
			}
			for _, unwanted := range tc.not {
				if strings.Contains(msg, unwanted) {
					t.Errorf("error names %s, which is fine: %v", unwanted, err)
				}
			}
			if !strings.Contains(msg, "Lambda") && !strings.Contains(msg, "local AWS") {
				t.Errorf("error does not say where the binary runs: %v", err)
			}
		})
	}
}

// The configuration works end to end: a call reaches the endpoint the
// variables name, signed with the execution role's credentials in the
// region Lambda set, and retried with Landfall's retryer.
func TestLambdaAWSConfigSignsCallsToTheConfiguredEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name      string
		endpoint  string // variable naming the test server
		token     string // AWS_SESSION_TOKEN; "" leaves it unset
		wantToken string
	}{
		{"AWS_ENDPOINT_URL with a session token", "AWS_ENDPOINT_URL", "token", "token"},
		{"service-specific endpoint", "AWS_ENDPOINT_URL_STS", "token", "token"},
		{"long-term keys", "AWS_ENDPOINT_URL", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *http.Request
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Clone(context.Background())
				w.Header().Set("Content-Type", "text/xml")
				_, _ = w.Write([]byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
					`<Arn>arn:aws:sts::111111111111:assumed-role/fn/fn</Arn><UserId>AROAEXAMPLE:fn</UserId><Account>111111111111</Account>` +
					`</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`))
			}))
			defer srv.Close()
			vars := lambdaVars()
			vars["AWS_SESSION_TOKEN"] = tc.token
			vars[tc.endpoint] = srv.URL
			cfg, err := lambdaAWSConfig(getenvOf(vars))
			if err != nil {
				t.Fatal(err)
			}
			if n := cfg.Retryer().MaxAttempts(); n != RetryMaxAttempts {
				t.Errorf("retryer makes %d attempts, want %d", n, RetryMaxAttempts)
			}
			out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Account) != "111111111111" || got == nil {
				t.Fatalf("the call did not reach the test server: %+v", out)
			}
			auth := got.Header.Get("Authorization")
			if !strings.Contains(auth, "Credential=ASIAEXAMPLEEXAMPLE01/") || !strings.Contains(auth, "/eu-west-1/sts/aws4_request") {
				t.Errorf("Authorization = %q, want the execution role's key in eu-west-1", auth)
			}
			if tok := got.Header.Get("X-Amz-Security-Token"); tok != tc.wantToken {
				t.Errorf("X-Amz-Security-Token = %q, want %q", tok, tc.wantToken)
			}
		})
	}
}

// The functions' binaries link no credential provider a Lambda function never
// uses, nor the standard configuration loader that brings them all.
func TestFunctionsLinkNoCredentialChain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	banned := []string{
		"github.com/aws/aws-sdk-go-v2/config",
		"github.com/aws/aws-sdk-go-v2/credentials/ssocreds",
		"github.com/aws/aws-sdk-go-v2/credentials/processcreds",
		"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds",
		"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds",
		"os/exec",
	}
	for _, fn := range []string{"launch", "worker"} {
		out, err := exec.Command("go", "list", "-tags", "lambda.norpc", "-deps", "github.com/landfall/landfall/functions/"+fn).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", fn, err)
		}
		deps := strings.Fields(string(out))
		for _, pkg := range banned {
			if slices.Contains(deps, pkg) {
				t.Errorf("functions/%s links %s", fn, pkg)
			}
		}
	}
}

// The functions link no SDK client built on schema-based (de)serialization:
// each such client's schemas package builds every shape of its service at
// process start (DynamoDB's alone took 3.6 ms and 0.6 MB of every cold
// start). go.mod holds dynamodb, organizations and sqs at their releases
// before it; upgrading past them, or a client that has moved to it, fails
// here until `make bench-coldstart` shows the cost is acceptable.
func TestFunctionsLinkNoSchemaInit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, fn := range []string{"launch", "worker"} {
		out, err := exec.Command("go", "list", "-tags", "lambda.norpc", "-deps", "github.com/landfall/landfall/functions/"+fn).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", fn, err)
		}
		for _, pkg := range strings.Fields(string(out)) {
			if strings.HasPrefix(pkg, "github.com/aws/aws-sdk-go-v2/service/") && strings.HasSuffix(pkg, "/schemas") {
				t.Errorf("functions/%s links %s, built at every cold start; see the note on the pins in go.mod", fn, pkg)
			}
		}
	}
}
