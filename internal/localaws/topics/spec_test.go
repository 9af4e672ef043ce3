package topics_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/topics"
)

// decodeSpec decodes a world-file section strictly, as the world loader does.
func decodeSpec(t *testing.T, path string) topics.Spec {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var s topics.Spec
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
	svc, err := topics.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if subs := svc.Subscriptions(notifications); subs == nil {
		t.Error("the declared topic does not exist")
	}

	err = decodeSpec(t, "testdata/invalid.yaml").Validate()
	for _, want := range []string{
		`topics[0].account: "11111111111" must be a 12-digit AWS account ID`,
		`topics[0].region: "us-east-9" is not an AWS region`,
		`topics[0].name: "landfall notifications" must be 1-256 characters of A-Za-z0-9_-`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}
}
