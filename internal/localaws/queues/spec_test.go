package queues_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/queues"
)

// decodeSpec decodes a world-file section strictly, as the world loader does.
func decodeSpec(t *testing.T, path string) queues.Spec {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s queues.Spec
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return s
}

func TestSpecYAML(t *testing.T) {
	s := decodeSpec(t, "testdata/default.yaml")
	if err := s.Validate(); err != nil {
		t.Fatalf("default section: %v", err)
	}
	q := s.Queues[0]
	if q.Name != "landfall-work" || q.VisibilityTimeout == nil || *q.VisibilityTimeout != 60 || q.DeadLetter == nil || q.DeadLetter.MaxReceiveCount != 5 {
		t.Errorf("decoded %+v", q)
	}

	err := decodeSpec(t, "testdata/invalid.yaml").Validate()
	for _, want := range []string{
		`queues[0].name: "landfall-work.fifo" is a FIFO queue name`,
		`queues[0].delaySeconds: 1000 must be between 0 and 900`,
		`queues[0].deadLetter.name: "landfall-dlq" is not declared`,
		`queues[0].deadLetter.maxReceiveCount: 0 must be between 1 and 1000`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}
}
