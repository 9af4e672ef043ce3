package provision

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"
	"github.com/aws/smithy-go"
)

// Operation names, as the fake records them.
const (
	opAccept     = "AcceptPortfolioShare"
	opAssociate  = "AssociatePrincipalWithPortfolio"
	opPortfolio  = "DescribePortfolio"
	opProduct    = "DescribeProduct"
	opDescribePP = "DescribeProvisionedProduct"
	opProvision  = "ProvisionProduct"
	opUpdate     = "UpdateProvisionedProduct"
	opRecord     = "DescribeRecord"
	opTerminate  = "TerminateProvisionedProduct"
	opSearch     = "SearchProvisionedProducts"
)

// reply is one scripted answer: an output (nil means an empty one) or an error.
type reply struct {
	op  string
	out any
	err error
}

// ret scripts a successful answer; the operation is the output's.
func ret(out any) reply {
	var op string
	switch out.(type) {
	case *servicecatalog.AcceptPortfolioShareOutput:
		op = opAccept
	case *servicecatalog.AssociatePrincipalWithPortfolioOutput:
		op = opAssociate
	case *servicecatalog.DescribePortfolioOutput:
		op = opPortfolio
	case *servicecatalog.DescribeProductOutput:
		op = opProduct
	case *servicecatalog.DescribeProvisionedProductOutput:
		op = opDescribePP
	case *servicecatalog.ProvisionProductOutput:
		op = opProvision
	case *servicecatalog.UpdateProvisionedProductOutput:
		op = opUpdate
	case *servicecatalog.DescribeRecordOutput:
		op = opRecord
	case *servicecatalog.TerminateProvisionedProductOutput:
		op = opTerminate
	case *servicecatalog.SearchProvisionedProductsOutput:
		op = opSearch
	default:
		panic(fmt.Sprintf("ret: %T is not a Catalog output", out))
	}
	return reply{op: op, out: out}
}

// fails scripts an error answer for op.
func fails(op string, err error) reply { return reply{op: op, err: err} }

// apiErr is an AWS error as the SDK's deserializers produce it.
func apiErr(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

// scriptedCatalog is a hand-written Catalog fake. A test gives it the answers
// of each operation in call order; it records every call as one line, the
// operation followed by its key input fields, for the test to compare with
// the exact sequence it expects. A call without a scripted answer fails the
// test (and answers an error the engine treats as permanent); so does an
// answer left unused, checked by verify. It is safe for concurrent use.
type scriptedCatalog struct {
	t       testing.TB
	mu      sync.Mutex
	answers map[string][]reply
	calls   []string
}

var _ Catalog = (*scriptedCatalog)(nil)

func newScripted(t testing.TB, replies ...reply) *scriptedCatalog {
	c := &scriptedCatalog{t: t, answers: make(map[string][]reply)}
	for _, r := range replies {
		c.answers[r.op] = append(c.answers[r.op], r)
	}
	return c
}

// Calls returns the calls made so far.
func (c *scriptedCatalog) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// verify fails the test for every scripted answer nobody asked for.
func (c *scriptedCatalog) verify() {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for op, left := range c.answers {
		if len(left) > 0 {
			c.t.Errorf("%d scripted %s answer(s) left unused", len(left), op)
		}
	}
}

// answer records the call and pops the next answer for it. Errors come back
// wrapped in an OperationError, as the SDK returns them.
func answer[O any](c *scriptedCatalog, op string, fields ...string) (*O, error) {
	line := strings.Join(append([]string{op}, fields...), " ")
	c.mu.Lock()
	c.calls = append(c.calls, line)
	queue := c.answers[op]
	if len(queue) == 0 {
		c.mu.Unlock()
		c.t.Errorf("unexpected call: %s", line)
		return nil, &smithy.OperationError{ServiceID: "Service Catalog", OperationName: op,
			Err: apiErr("UnexpectedCall", "the test scripted no answer for "+op)}
	}
	r := queue[0]
	c.answers[op] = queue[1:]
	c.mu.Unlock()
	if r.err != nil {
		return nil, &smithy.OperationError{ServiceID: "Service Catalog", OperationName: op, Err: r.err}
	}
	if r.out == nil {
		return new(O), nil
	}
	out, ok := r.out.(*O)
	if !ok {
		c.t.Errorf("scripted answer for %s is a %T", op, r.out)
		return new(O), nil
	}
	return out, nil
}

// field renders k=v, or nothing for a nil value.
func field(k string, v *string) string {
	if v == nil {
		return ""
	}
	return k + "=" + *v
}

func fields(fs ...string) []string {
	out := fs[:0]
	for _, f := range fs {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

func kvList[T any](k string, list []T, kv func(T) (*string, *string)) string {
	if list == nil {
		return ""
	}
	parts := make([]string, 0, len(list))
	for _, e := range list {
		key, val := kv(e)
		parts = append(parts, deref(key)+"="+deref(val))
	}
	return k + "=" + strings.Join(parts, ",")
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func (c *scriptedCatalog) AcceptPortfolioShare(_ context.Context, in *servicecatalog.AcceptPortfolioShareInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.AcceptPortfolioShareOutput, error) {
	return answer[servicecatalog.AcceptPortfolioShareOutput](c, opAccept,
		fields(field("portfolio", in.PortfolioId), "type="+string(in.PortfolioShareType))...)
}

func (c *scriptedCatalog) AssociatePrincipalWithPortfolio(_ context.Context, in *servicecatalog.AssociatePrincipalWithPortfolioInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.AssociatePrincipalWithPortfolioOutput, error) {
	return answer[servicecatalog.AssociatePrincipalWithPortfolioOutput](c, opAssociate,
		fields(field("portfolio", in.PortfolioId), field("principal", in.PrincipalARN), "type="+string(in.PrincipalType))...)
}

func (c *scriptedCatalog) DescribePortfolio(_ context.Context, in *servicecatalog.DescribePortfolioInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribePortfolioOutput, error) {
	return answer[servicecatalog.DescribePortfolioOutput](c, opPortfolio, fields(field("id", in.Id))...)
}

func (c *scriptedCatalog) DescribeProduct(_ context.Context, in *servicecatalog.DescribeProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProductOutput, error) {
	return answer[servicecatalog.DescribeProductOutput](c, opProduct, fields(field("id", in.Id), field("name", in.Name))...)
}

func (c *scriptedCatalog) DescribeProvisionedProduct(_ context.Context, in *servicecatalog.DescribeProvisionedProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribeProvisionedProductOutput, error) {
	return answer[servicecatalog.DescribeProvisionedProductOutput](c, opDescribePP, fields(field("id", in.Id), field("name", in.Name))...)
}

func (c *scriptedCatalog) ProvisionProduct(_ context.Context, in *servicecatalog.ProvisionProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.ProvisionProductOutput, error) {
	return answer[servicecatalog.ProvisionProductOutput](c, opProvision, fields(
		field("name", in.ProvisionedProductName),
		field("product", in.ProductId), field("productName", in.ProductName),
		field("artifact", in.ProvisioningArtifactId), field("artifactName", in.ProvisioningArtifactName),
		field("path", in.PathId), field("pathName", in.PathName),
		field("token", in.ProvisionToken),
		kvList("params", in.ProvisioningParameters, func(p sctypes.ProvisioningParameter) (*string, *string) { return p.Key, p.Value }),
		kvList("tags", in.Tags, func(t sctypes.Tag) (*string, *string) { return t.Key, t.Value }),
	)...)
}

func (c *scriptedCatalog) UpdateProvisionedProduct(_ context.Context, in *servicecatalog.UpdateProvisionedProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.UpdateProvisionedProductOutput, error) {
	return answer[servicecatalog.UpdateProvisionedProductOutput](c, opUpdate, fields(
		field("id", in.ProvisionedProductId), field("name", in.ProvisionedProductName),
		field("product", in.ProductId), field("artifact", in.ProvisioningArtifactId),
		field("path", in.PathId), field("token", in.UpdateToken),
		kvList("params", in.ProvisioningParameters, func(p sctypes.UpdateProvisioningParameter) (*string, *string) { return p.Key, p.Value }),
		kvList("tags", in.Tags, func(t sctypes.Tag) (*string, *string) { return t.Key, t.Value }),
	)...)
}

func (c *scriptedCatalog) DescribeRecord(_ context.Context, in *servicecatalog.DescribeRecordInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.DescribeRecordOutput, error) {
	return answer[servicecatalog.DescribeRecordOutput](c, opRecord, fields(field("id", in.Id))...)
}

func (c *scriptedCatalog) TerminateProvisionedProduct(_ context.Context, in *servicecatalog.TerminateProvisionedProductInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.TerminateProvisionedProductOutput, error) {
	return answer[servicecatalog.TerminateProvisionedProductOutput](c, opTerminate, fields(
		field("id", in.ProvisionedProductId), field("name", in.ProvisionedProductName), field("token", in.TerminateToken),
	)...)
}

// fakeClock is Engine.Now and Engine.Sleep: sleeping moves the clock at once
// and is recorded. Safe for concurrent use.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// staticIDs resolves each plan product key to a fixed product ID.
type staticIDs map[string]string

func (s staticIDs) ProductID(_ context.Context, region, key string) (string, string, error) {
	id, ok := s[key]
	if !ok {
		return "", "product " + key + " is not in its portfolio in " + region, nil
	}
	return id, "", nil
}

// unplaced answers every product with the same problem.
type unplaced string

func (u unplaced) ProductID(context.Context, string, string) (string, string, error) {
	return "", string(u), nil
}

func (c *scriptedCatalog) SearchProvisionedProducts(_ context.Context, in *servicecatalog.SearchProvisionedProductsInput, _ ...func(*servicecatalog.Options)) (*servicecatalog.SearchProvisionedProductsOutput, error) {
	level := ""
	if in.AccessLevelFilter != nil {
		level = "level=" + string(in.AccessLevelFilter.Key) + "/" + deref(in.AccessLevelFilter.Value)
	}
	return answer[servicecatalog.SearchProvisionedProductsOutput](c, opSearch, fields(level, field("page", in.PageToken))...)
}
