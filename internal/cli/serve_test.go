package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/lifecycle/samples"
)

// lockedBuffer is a strings.Builder safe for the server goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, buf *lockedBuffer, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %q within %s; output:\n%s", re, within, buf.String())
	return nil
}

// TestServeIsALiveDeployment starts `landfall local serve` on a loopback port,
// invokes the launch function through the Lambda API with the real SDK, and
// waits for the worker (polling the work queue on the sped-up clock) to
// finish the run and publish its summary.
func TestServeIsALiveDeployment(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"local", "serve", "--addr", "127.0.0.1:0", "--speed", "600"}, strings.NewReader(""), &out, &errOut)
	}()
	addr := waitFor(t, &out, regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`), 30*time.Second)[1]

	client := lambda.New(lambda.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(addr),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	event := samples.Event(sampleEvent)
	res, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(LaunchFunctionName), Payload: event})
	if err != nil {
		t.Fatal(err)
	}
	var resp struct{ Outcome string }
	if res.FunctionError != nil || json.Unmarshal(res.Payload, &resp) != nil || resp.Outcome != "queued" {
		t.Fatalf("launch answered %s (function error %v)", res.Payload, aws.ToString(res.FunctionError))
	}
	waitFor(t, &out, regexp.MustCompile(`SNS <- Landfall: LifeCycle1 \(222222222222\) 6 succeeded`), 60*time.Second)
	// The notification in full, not only its subject.
	for _, want := range []string{
		"--- SNS landfall-notifications, message ",
		"Subject: Landfall: LifeCycle1 (222222222222) 6 succeeded\n",
		"Attributes: landfall.account=222222222222, landfall.failed=0, landfall.kind=run-summary, landfall.outcome=SUCCEEDED, landfall.run=ct-",
		"Outcome: SUCCEEDED - 6 succeeded.",
		"us-west-1  security-audit  SUCCEEDED",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve output lacks %q:\n%s", want, out.String())
		}
	}

	// The served deployment has its stack, so `landfall invoke` needs no --function.
	cfn := cloudformation.New(cloudformation.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(addr),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	if fn, err := launchFunction(ctx, cfn, DefaultStackName, "us-east-1"); err != nil || fn != LaunchFunctionName {
		t.Errorf("the served stack names function %q (%v), want %s", fn, err, LaunchFunctionName)
	}

	// Calls are logged only with --log-calls.
	if strings.Contains(errOut.String(), "localaws call") {
		t.Errorf("serve logged AWS calls without --log-calls:\n%.2000s", errOut.String())
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after Ctrl-C: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

// TestServeAnswersTheREADMECommands replays, with the SDK, the AWS CLI
// commands the README runs against ` + "`landfall local serve`" + ` (sts
// get-caller-identity, organizations list-accounts, servicecatalog
// search-products-as-admin --region us-west-1), with --log-calls logging
// each call.
func TestServeAnswersTheREADMECommands(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"local", "serve", "--addr", "127.0.0.1:0", "--log-calls"}, strings.NewReader(""), &out, &errOut)
	}()
	addr := waitFor(t, &out, regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`), 30*time.Second)[1]
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(addr), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "111111111111" {
		t.Errorf("sts get-caller-identity: %v, %v", id, err)
	}
	accts, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(accts.Accounts) == 0 {
		t.Errorf("organizations list-accounts: %v, %v", accts, err)
	}
	west := cfg.Copy()
	west.Region = "us-west-1"
	found, err := servicecatalog.NewFromConfig(west).SearchProductsAsAdmin(ctx, &servicecatalog.SearchProductsAsAdminInput{})
	if err != nil {
		t.Fatalf("servicecatalog search-products-as-admin --region us-west-1: %v", err)
	}
	var names []string
	for _, p := range found.ProductViewDetails {
		names = append(names, aws.ToString(p.ProductViewSummary.Name))
	}
	if strings.Join(names, ",") != "baseline-vpc,security-audit" {
		t.Errorf("search-products-as-admin in us-west-1 found %v, want baseline-vpc and security-audit", names)
	}
	waitFor(t, &errOut, regexp.MustCompile(`localaws call.*service=servicecatalog operation=SearchProductsAsAdmin`), 10*time.Second)
	cancel()
	<-done
}
