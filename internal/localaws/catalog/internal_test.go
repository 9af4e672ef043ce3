package catalog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

func TestRecordPhase(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ok := &record{start: t0, duration: 3 * time.Minute}
	bad := &record{start: t0, duration: 100 * time.Second, failed: true}
	short := &record{start: t0, duration: 500 * time.Millisecond}
	tests := []struct {
		name    string
		rec     *record
		at      time.Duration
		status  string
		updated time.Duration
	}{
		{"created at once", ok, 0, statusCreated, 0},
		{"created for a second", ok, time.Second - time.Nanosecond, statusCreated, 0},
		{"then in progress", ok, time.Second, statusInProgress, time.Second},
		{"until the duration ends", ok, 3*time.Minute - time.Nanosecond, statusInProgress, time.Second},
		{"then succeeded", ok, 3 * time.Minute, statusSucceeded, 3 * time.Minute},
		{"failing run in progress", bad, 80*time.Second - time.Nanosecond, statusInProgress, time.Second},
		{"last fifth rolls back", bad, 80 * time.Second, statusInError, 80 * time.Second},
		{"then failed", bad, 100 * time.Second, statusFailed, 100 * time.Second},
		{"shorter than the created phase", short, 400 * time.Millisecond, statusCreated, 0},
		{"short run done", short, 500 * time.Millisecond, statusSucceeded, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, updated := tt.rec.phase(t0.Add(tt.at))
			if status != tt.status || !updated.Equal(t0.Add(tt.updated)) {
				t.Errorf("phase(+%s) = %s updated +%s, want %s updated +%s", tt.at, status, updated.Sub(t0), tt.status, tt.updated)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"AWSControlTowerExecution", "AWSControlTowerExecution", true},
		{"AWSControlTower*", "AWSControlTowerExecution", true},
		{"AWSControlTower?xecution", "AWSControlTowerExecution", true},
		{"AWSControlTower", "AWSControlTowerExecution", false},
		{"a.b", "axb", false},
		{"*", "", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// TestRawRequests covers inputs the SDK refuses to send but other clients can.
func TestRawRequests(t *testing.T) {
	c, err := New(Spec{Regions: []RegionSpec{{Region: "us-east-1"}}}, rawDirectory{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		op, body string
		code     string
		message  string
	}{
		{"ProvisionProduct", `{"ProvisionedProductName":"x","ProductId":"prod-x","ProvisioningArtifactId":"pa-x"}`, codeInvalidParams, "ProvisionToken is required"},
		{"UpdateProvisionedProduct", `{"ProvisionedProductId":"pp-x"}`, codeInvalidParams, "UpdateToken is required"},
		{"TerminateProvisionedProduct", `{"ProvisionedProductId":"pp-x"}`, codeInvalidParams, "TerminateToken is required"},
		{"AcceptPortfolioShare", `{}`, codeInvalidParams, "PortfolioId is required"},
		{"AcceptPortfolioShare", `{"PortfolioId":"port-x","PortfolioShareType":"SHARED"}`, codeInvalidParams, `"SHARED" is not one of`},
		{"DescribeRecord", `{}`, codeInvalidParams, "Id is required"},
		{"DescribeProvisionedProduct", `{}`, codeInvalidParams, "Either Id or Name must be specified"},
		{"ListLaunchPaths", `{}`, codeInvalidParams, "ProductId is required"},
		{"ScanProvisionedProducts", `{"AccessLevelFilter":{"Key":"Galaxy","Value":"self"}}`, codeInvalidParams, `"Galaxy"`},
		{"ListRecordHistory", `{"SearchFilter":{"Key":"owner","Value":"x"}}`, codeInvalidParams, `"owner"`},
		{"SearchProducts", `{"Filters":`, "SerializationException", "cannot decode the SearchProducts request"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.message, func(t *testing.T) {
			op := c.Operations()[tt.op]
			_, err := op(&wire.Request{
				Operation: tt.op, Region: "us-east-1", Now: time.Now(), Body: []byte(tt.body),
				Caller: wire.Caller{Account: "222222222222", RoleARN: "arn:aws:iam::222222222222:role/R"},
			})
			var we *wire.Error
			if !errors.As(err, &we) || we.Code != tt.code || we.HTTPStatus() != 400 {
				t.Fatalf("error = %v, want a 400 %s", err, tt.code)
			}
			if !strings.Contains(we.Message, tt.message) {
				t.Errorf("message %q does not contain %q", we.Message, tt.message)
			}
		})
	}
}

type rawDirectory struct{}

func (rawDirectory) ManagementAccount() string         { return "111111111111" }
func (rawDirectory) IsMember(string) bool              { return true }
func (rawDirectory) Ancestors(string) []string         { return nil }
func (rawDirectory) RoleExists(string, string) bool    { return true }
func (rawDirectory) JoinedAt(string) (time.Time, bool) { return time.Time{}, true }
func (rawDirectory) ID() string                        { return "o-ab12cd34ef" }
