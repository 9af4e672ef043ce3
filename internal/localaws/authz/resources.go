package authz

import (
	"strings"

	"github.com/landfall/landfall/internal/localaws/identity"
	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/queues"
	"github.com/landfall/landfall/internal/localaws/stacks"
	"github.com/landfall/landfall/internal/localaws/tables"
	"github.com/landfall/landfall/internal/localaws/topics"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// resolver returns the ARN of the resource a request acts on. ok is false
// when the request names it in a malformed way (no such parameter, not an
// ARN): the operation then refuses the request itself, with the service's
// own validation error, as AWS does before it can authorize anything.
type resolver func(a *Authorizer, c *call) (arn string, ok bool)

// call is one request being authorized.
type call struct {
	r *wire.Request
}

// jsonMembers are the members of JSON requests that name resources.
var jsonMembers = map[string]bool{
	"QueueUrl": true, "QueueName": true, "QueueOwnerAWSAccountId": true, "Id": true,
	"PortfolioId": true, "ProductId": true, "AccountId": true, "ParentId": true, "ChildId": true,
	"OrganizationalUnitId": true, "ResourceId": true, "TableName": true, "IndexName": true,
}

// member returns the JSON member name of the request, a string, read from
// the body the validator decoded already (wire.Request.Document). A body
// that does not decode, or a member that is not a string, names nothing:
// the validator has refused such a request already.
func (c *call) member(name string) string {
	if !jsonMembers[name] {
		panic("authz: no JSON member " + name + " in jsonMembers") // a table bug
	}
	doc, _ := c.r.Document()
	s, _ := doc[name].(string)
	return s
}

func partition(c *call) string { return region.Partition(c.r.Region) }

// roleFromForm is the role AssumeRole's RoleArn names.
func roleFromForm(_ *Authorizer, c *call) (string, bool) {
	account, role, ok := identity.ParseRoleARN(c.r.Form.Get("RoleArn"))
	if !ok {
		return "", false
	}
	return identity.RoleARN(account, role), true
}

// orgEntity is the account, OU or root a member of an Organizations
// request names, as arn:aws:organizations::<management>:<type>/<org>/<id>.
func orgEntity(member string) resolver {
	return func(a *Authorizer, c *call) (string, bool) {
		id := c.member(member)
		var kind string
		switch {
		case org.IsAccountID(id):
			kind = "account"
		case strings.HasPrefix(id, "ou-"):
			kind = "ou"
		case strings.HasPrefix(id, "r-"):
			kind = "root"
		default:
			return "", false
		}
		return "arn:" + partition(c) + ":organizations::" + a.org.ManagementAccount() + ":" + kind + "/" + a.org.ID() + "/" + id, true
	}
}

// portfolio and product are Service Catalog resources, in the account
// that owns them (arn:aws:catalog:<region>:<owner>:portfolio/<id>). A
// request naming a product by name rather than ID acts on "*".
func portfolio(member string) resolver { return catalogResource(member, "portfolio/") }
func product(member string) resolver   { return catalogResource(member, "product/") }

func catalogResource(member, kind string) resolver {
	return func(a *Authorizer, c *call) (string, bool) {
		id := c.member(member)
		if id == "" {
			return "*", true
		}
		owner, ok := a.catalogOwner(c.r.Region, id)
		if !ok {
			owner = c.r.Caller.Account
		}
		return "arn:" + partition(c) + ":catalog:" + c.r.Region + ":" + owner + ":" + kind + id, true
	}
}

// topicFromForm is the topic a Query request's TopicArn (or Publish's
// TargetArn) names.
func topicFromForm(_ *Authorizer, c *call) (string, bool) {
	arn := c.r.Form.Get("TopicArn")
	if arn == "" {
		arn = c.r.Form.Get("TargetArn")
	}
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" || !org.IsAccountID(parts[4]) || parts[5] == "" {
		return "", false
	}
	return arn, true
}

// topicFromName is the topic CreateTopic creates, in the caller's account.
func topicFromName(_ *Authorizer, c *call) (string, bool) {
	name := c.r.Form.Get("Name")
	if name == "" {
		return "", false
	}
	return topics.ARN(c.r.Caller.Account, c.r.Region, name), true
}

// queueFromURL is the queue a QueueUrl names, resolved exactly as the
// queues service resolves it (queues.ParseURL): the URL's region only from
// an SQS host, else the request's. Any other reading would let a URL with a
// look-alike host be authorized against a queue the operation does not touch.
func queueFromURL(_ *Authorizer, c *call) (string, bool) {
	account, reg, name, ok := queues.ParseURL(c.member("QueueUrl"))
	if !ok {
		return "", false
	}
	if reg == "" {
		reg = c.r.Region
	}
	return queues.ARN(account, reg, name), true
}

// queueFromName is the queue CreateQueue creates or GetQueueUrl looks up:
// in QueueOwnerAWSAccountId, else the caller's account.
func queueFromName(_ *Authorizer, c *call) (string, bool) {
	name := c.member("QueueName")
	if name == "" {
		return "", false
	}
	account := c.member("QueueOwnerAWSAccountId")
	if account == "" {
		account = c.r.Caller.Account
	}
	return queues.ARN(account, c.r.Region, name), true
}

// function is the Lambda function (or version or alias, with a qualifier)
// the FunctionName label names: a name, a partial ARN
// (<account>:function:<name>) or an ARN, each with an optional :qualifier.
func function(_ *Authorizer, c *call) (string, bool) {
	ref := c.r.PathParams["FunctionName"]
	account, reg, rest := c.r.Caller.Account, c.r.Region, ref
	if p := strings.Split(ref, ":"); len(p) >= 7 && p[0] == "arn" && p[2] == "lambda" && p[5] == "function" {
		reg, account, rest = p[3], p[4], strings.Join(p[6:], ":")
	} else if len(p) >= 3 && org.IsAccountID(p[0]) && p[1] == "function" {
		account, rest = p[0], strings.Join(p[2:], ":")
	}
	name, qualifier, _ := strings.Cut(rest, ":")
	if q := c.r.Query.Get("Qualifier"); q != "" {
		qualifier = q
	}
	if name == "" || strings.Contains(qualifier, ":") {
		return "", false
	}
	arn := "arn:" + region.Partition(reg) + ":lambda:" + reg + ":" + account + ":function:" + name
	if qualifier != "" {
		arn += ":" + qualifier
	}
	return arn, true
}

// stack is the stack DescribeStacks names (by name or stack ID), or "*"
// for all of them.
func stack(_ *Authorizer, c *call) (string, bool) {
	name := c.r.Form.Get("StackName")
	switch {
	case name == "":
		return "*", true
	case strings.HasPrefix(name, "arn:"):
		return name, true
	}
	return stacks.StackID(c.r.Caller.Account, c.r.Region, name), true
}

// table is the DynamoDB table the TableName member names, in the
// caller's account and the request's region:
// arn:<partition>:dynamodb:<region>:<account>:table/<name>.
func table(_ *Authorizer, c *call) (string, bool) {
	name := c.member("TableName")
	if name == "" {
		return "", false
	}
	return tables.ARN(c.r.Caller.Account, c.r.Region, name), true
}

// tableOrIndex is the table of a Query or Scan, or the index its IndexName
// names: arn:<partition>:dynamodb:<region>:<account>:table/<name>/index/<index>,
// the Service Authorization Reference's "index" resource type, so a policy
// granting only the table's ARN does not reach its indexes.
func tableOrIndex(a *Authorizer, c *call) (string, bool) {
	arn, ok := table(a, c)
	if ix := c.member("IndexName"); ok && ix != "" {
		arn += "/index/" + ix
	}
	return arn, ok
}

// accountOf returns the account part of an ARN, "" for "*" and ARNs
// without one.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
