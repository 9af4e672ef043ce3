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
		done <- Main(ctx, []string{"local", "serve", "--addr", "127.0.0.1:0", "--speed", "600", "--log-calls=false"}, strings.NewReader(""), &out, &errOut)
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

	// The served deployment has its stack, so `landfall invoke` needs no --function.
	cfn := cloudformation.New(cloudformation.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(addr),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	if fn, err := launchFunction(ctx, cfn, DefaultStackName, "us-east-1"); err != nil || fn != LaunchFunctionName {
		t.Errorf("the served stack names function %q (%v), want %s", fn, err, LaunchFunctionName)
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
