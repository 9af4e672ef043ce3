package authz_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/topics"
)

const (
	mgmt   = "111111111111"
	member = "222222222222"
	home   = "us-east-1"
	keyID  = "1234abcd-12ab-34cd-56ef-1234567890ab"
)

var (
	workURL   = queues.URL(mgmt, home, "landfall-work")
	workARN   = queues.ARN(mgmt, home, "landfall-work")
	topicARN  = topics.ARN(mgmt, home, "landfall-notifications")
	keyARN    = "arn:aws:kms:us-east-1:111111111111:key/" + keyID
	workerARN = "arn:aws:iam::111111111111:role/Worker"
)

// lambdaTrust is a function execution role's trust policy.
const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// allow is an identity policy allowing actions on resource.
func allow(resource string, actions ...string) org.PolicyDocument {
	return org.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"` + resource + `"}]}`)
}

// world is the default world with roles added to account and changes
// applied.
func world(t *testing.T, change func(w *localaws.World)) *localaws.World {
	t.Helper()
	w, err := localaws.DefaultWorld()
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(w)
	}
	return w
}

// addRole declares an iamRole in account.
func addRole(w *localaws.World, account string, r org.RoleSpec) {
	for i := range w.Organization.Accounts {
		if w.Organization.Accounts[i].ID == account {
			w.Organization.Accounts[i].IAMRoles = append(w.Organization.Accounts[i].IAMRoles, r)
			return
		}
	}
	panic("no account " + account)
}

func newCloud(t *testing.T, w *localaws.World, opts localaws.Options) *localaws.Cloud {
	t.Helper()
	c, err := localaws.New(w, opts)
	if err != nil {
		t.Fatalf("localaws.New: %v", err)
	}
	return c
}

// as returns a config acting as a function with execution role roleARN.
func as(t *testing.T, c *localaws.Cloud, roleARN string) aws.Config {
	t.Helper()
	creds, err := c.RoleCredentials(roleARN, "fn")
	if err != nil {
		t.Fatalf("RoleCredentials(%s): %v", roleARN, err)
	}
	return c.Config(home, creds)
}

// wantDenied fails unless err is an API error with code whose message
// contains every part.
func wantDenied(t *testing.T, err error, code string, parts ...string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Errorf("ErrorCode = %s (%v), want %s", ae.ErrorCode(), err, code)
	}
	for _, p := range parts {
		if !strings.Contains(ae.ErrorMessage(), p) {
			t.Errorf("message %q does not contain %q", ae.ErrorMessage(), p)
		}
	}
}

// status is the HTTP status of an SDK error.
func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
