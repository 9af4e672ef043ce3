package provision

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/plan"
)

func art(id, name string, created int, g sctypes.ProvisioningArtifactGuidance) sctypes.ProvisioningArtifact {
	return sctypes.ProvisioningArtifact{Id: aws.String(id), Name: aws.String(name), Guidance: g,
		CreatedTime: aws.Time(time.Date(2025, 1, created, 0, 0, 0, 0, time.UTC))}
}

func TestWanted(t *testing.T) {
	arts := []sctypes.ProvisioningArtifact{
		art("pa-10", "v1.0", 1, sctypes.ProvisioningArtifactGuidanceDeprecated),
		art("pa-20", "v2.0", 3, sctypes.ProvisioningArtifactGuidanceDefault),
		art("pa-11", "v1.1", 2, sctypes.ProvisioningArtifactGuidanceDefault),
		art("pa-30", "v3.0-beta", 4, sctypes.ProvisioningArtifactGuidanceDeprecated),
	}
	tests := []struct {
		version, wantID, wantErr string
	}{
		{"latest", "pa-20", ""}, // newest non-deprecated, not the newest overall
		{"", "pa-20", ""},
		{"v1.1", "pa-11", ""},
		{"pa-11", "pa-11", ""},
		{"v1.0", "", "version v1.0 of baseline-vpc is DEPRECATED in us-west-1 and cannot be provisioned: pin another version (available: v2.0, v1.1) or use latest"},
		{"v9", "", "version v9 of baseline-vpc does not exist or is inactive in us-west-1 (available: v2.0, v1.1)"},
	}
	for _, tt := range tests {
		p := &plan.Product{Key: "baseline-vpc", Product: "baseline-vpc", Version: tt.version}
		got, err := Wanted(p, "us-west-1", nil, arts)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: error = %v, want %q", tt.version, err, tt.wantErr)
			}
			continue
		}
		if err != nil || aws.ToString(got.Id) != tt.wantID {
			t.Errorf("%q: got %v, %v; want %s", tt.version, got, err, tt.wantID)
		}
	}
	_, err := Wanted(&plan.Product{Product: "x", Version: "latest"}, "us-east-1", nil, arts[:1])
	if err == nil || !strings.Contains(err.Error(), "no active, non-deprecated version") {
		t.Errorf("all deprecated: %v", err)
	}
}

func TestClassify(t *testing.T) {
	api := func(code string, fault smithy.ErrorFault) error {
		return &smithy.GenericAPIError{Code: code, Message: "m", Fault: fault}
	}
	tests := []struct {
		err  error
		want class
	}{
		{api("ResourceNotFoundException", smithy.FaultClient), classNotFound},
		{api("InvalidParametersException", smithy.FaultClient), classInvalid},
		{api("InvalidStateException", smithy.FaultClient), classState},
		{api("ThrottlingException", smithy.FaultClient), classTransient},
		{api("SomethingNew", smithy.FaultServer), classTransient},
		{api("UnrecognizedClientException", smithy.FaultClient), classUnreachable},
		{api("RegionDisabledException", smithy.FaultClient), classUnreachable},
		{api("ExpiredToken", smithy.FaultClient), classTransient},
		{api("AccessDeniedException", smithy.FaultClient), classAccessDenied},
		{api("SomethingNew", smithy.FaultClient), classOther},
		{errors.New("dial tcp: connection refused"), classTransient},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if alreadyExists(api("InvalidParametersException", smithy.FaultClient)) {
		t.Error("an unrelated InvalidParametersException is not a name clash")
	}
	if !alreadyExists(&smithy.GenericAPIError{Code: "InvalidParametersException", Message: "A stack named landfall-x already exists."}) ||
		!alreadyExists(api("DuplicateResourceException", smithy.FaultClient)) {
		t.Error("alreadyExists must recognise both forms of a name clash")
	}
}

func TestTokenDeterministicAndValid(t *testing.T) {
	a := Token("p", "ct-1-222222222222", "us-east-1", "baseline-vpc", "pa-1")
	if a != Token("p", "ct-1-222222222222", "us-east-1", "baseline-vpc", "pa-1") {
		t.Error("token must be deterministic")
	}
	for _, other := range []string{
		Token("u", "ct-1-222222222222", "us-east-1", "baseline-vpc", "pa-1"),
		Token("p", "ct-2-222222222222", "us-east-1", "baseline-vpc", "pa-1"),
		Token("p", "ct-1-222222222222", "us-west-1", "baseline-vpc", "pa-1"),
		Token("p", "ct-1-222222222222", "us-east-1", "baseline-vpc", "pa-2"),
	} {
		if other == a {
			t.Error("tokens must differ when any input differs")
		}
	}
	if len(a) > 128 || !tokenPattern.MatchString(a) {
		t.Errorf("token %q does not match Service Catalog's pattern", a)
	}
	if got := SessionName(strings.Repeat("ct-999cccaa-eaaa-0000-1111-123456789012-", 3)); len(got) > 64 || strings.ContainsAny(got, " /:") {
		t.Errorf("session name %q", got)
	}
}

var tokenPattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`)
