package cli

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
)

// wantProgress checks terminal output: progress lines starting with \r,
// cleared at the end, no line of their own.
func wantProgress(t *testing.T, stderr, prefix string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "\r"+prefix) || !strings.HasSuffix(stderr, " \r") || strings.Contains(stderr, "\n") {
		t.Errorf("terminal stderr = %q; want %q progress rewritten with \\r and cleared", stderr, prefix)
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&lockedBuffer{}) || !isTerminal(&fakeTerminal{}) {
		t.Error("a file or a buffer counts as a terminal, or the fake terminal does not")
	}
	if dev, err := os.OpenFile("/dev/null", os.O_WRONLY, 0); err == nil {
		defer dev.Close()
		if !isTerminal(dev) { // a character device, as a console is
			t.Error("/dev/null is a character device but does not count")
		}
	}
}

func TestInvokeProgress(t *testing.T) {
	api := &fakeInvoker{out: &awslambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"outcome":"queued"}`)}}
	var out lockedBuffer
	tty := &fakeTerminal{}
	if err := invoke(context.Background(), api, "landfall-launch", []byte(`{"all": true}`), Streams{Out: &out, Err: tty}); err != nil {
		t.Fatal(err)
	}
	wantProgress(t, tty.String(), "invoke: waiting for landfall-launch (")
	if strings.Contains(out.String(), "\r") || aws.ToString(api.got.FunctionName) != "landfall-launch" {
		t.Errorf("stdout %q", out.String())
	}
}

func TestLocalProgress(t *testing.T) {
	for _, asJSON := range []bool{true, false} {
		args := []string{"local", "--event", sampleFile(t, sampleEvent)}
		if asJSON {
			args = append(args, "--json")
		}
		var out lockedBuffer
		tty := &fakeTerminal{}
		if code := Main(context.Background(), args, strings.NewReader(""), &out, tty); code != 0 {
			t.Fatalf("exit %d: %q", code, tty.String())
		}
		wantProgress(t, tty.String(), "local: ")
		if strings.Contains(out.String(), "\r") {
			t.Errorf("stdout has the progress line: %q", out.String())
		}
		if asJSON && !json.Valid([]byte(out.String())) {
			t.Errorf("--json output is not JSON:\n%s", out.String())
		}
	}
}
