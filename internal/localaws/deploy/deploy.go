// Package deploy reads a synthesized CloudFormation template into the part of
// it the local AWS emulator models: IAM roles with their trust and identity
// policies, SQS queues and SNS topics with their resource policies and KMS
// keys, key policies, on-demand DynamoDB tables with their global
// secondary indexes, TTL, encryption key and point-in-time recovery, the
// Lambda functions' execution roles and environment, and the templates of
// service-managed StackSets.
//
// It exists so that least privilege is proved by running Landfall under the
// policies `cdk synth` produces, not by pinning their statements: a test
// synthesizes the stack, Loads the template, puts the result into a world
// and runs the functions as their roles. Physical names are deterministic
// (<stack>-<logical ID>, or the name the template sets), so ARNs built by
// intrinsics resolve to the resources the world creates.
package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Resource types whose logical IDs the resolver knows. Resources of other
// types are skipped, but a reference to one is an error.
const (
	typeRole        = "AWS::IAM::Role"
	typePolicy      = "AWS::IAM::Policy"
	typeQueue       = "AWS::SQS::Queue"
	typeQueuePolicy = "AWS::SQS::QueuePolicy"
	typeTopic       = "AWS::SNS::Topic"
	typeTopicPolicy = "AWS::SNS::TopicPolicy"
	typeKey         = "AWS::KMS::Key"
	typeFunction    = "AWS::Lambda::Function"
	typeLogGroup    = "AWS::Logs::LogGroup"
	typeRule        = "AWS::Events::Rule"
	typeStackSet    = "AWS::CloudFormation::StackSet"
	typeInvokeCfg   = "AWS::Lambda::EventInvokeConfig"
	typeTable       = "AWS::DynamoDB::Table"
)

// Target is where a template is deployed.
type Target struct {
	// StackName names the stack; physical names start with it.
	StackName string
	// Account and Region are the deployment's account and region.
	Account, Region string
	// Partition defaults to "aws".
	Partition string
	// Parameters are the stack parameters' values; parameters without one
	// take their Default.
	Parameters map[string]string
}

// Deployment is what a template creates, with every intrinsic resolved.
type Deployment struct {
	Target
	Roles     []Role
	Queues    []Queue
	Topics    []Topic
	Keys      []Key
	Functions []Function
	StackSets []StackSet
	Tables    []Table

	pending  []pendingAttach // policies whose target is not yet added
	attached map[string]bool // queues and topics that have a policy
}

// Role is an IAM role.
type Role struct {
	LogicalID, Name, ARN string
	// Trust is the role's trust policy (AssumeRolePolicyDocument).
	Trust json.RawMessage
	// Policies are its identity policies: inline ones and every
	// AWS::IAM::Policy attached to it.
	Policies []json.RawMessage
	// ManagedPolicyARNs are the managed policies attached to it.
	ManagedPolicyARNs []string
}

// Queue is an SQS queue.
type Queue struct {
	LogicalID, Name, ARN, URL string
	// Policy is the queue policy, nil when none.
	Policy json.RawMessage
	// KMSKey is the KMS key ARN of server-side encryption, empty for none.
	KMSKey string
	// VisibilityTimeout is in seconds; nil for the SQS default.
	VisibilityTimeout *int
	// MessageRetentionPeriod is in seconds; 0 for the SQS default.
	MessageRetentionPeriod int
	// DeadLetterARN and MaxReceiveCount are its redrive policy, if any.
	DeadLetterARN   string
	MaxReceiveCount int
}

// Topic is an SNS topic.
type Topic struct {
	LogicalID, Name, ARN string
	Policy               json.RawMessage
	KMSKey               string
}

// Key is a KMS key.
type Key struct {
	LogicalID, ID, ARN string
	Policy             json.RawMessage
}

// Table is an on-demand DynamoDB table.
type Table struct {
	LogicalID, Name, ARN string
	// HashKey and RangeKey are "name:type", e.g. "pk:S", as the world
	// file spells keys; RangeKey is empty for a hash-only table.
	HashKey, RangeKey string
	// Indexes are its global secondary indexes.
	Indexes []Index
	// TTLAttribute is the attribute TTL reads, empty when TTL is off.
	TTLAttribute string
	// KMSKey is the KMS key of server-side encryption (ID, ARN or
	// alias/aws/dynamodb), empty for the AWS owned key.
	KMSKey string
	// PointInTimeRecovery is whether continuous backups are restorable.
	PointInTimeRecovery bool
}

// Index is a global secondary index of a table.
type Index struct {
	Name              string
	HashKey, RangeKey string // as Table's
	// Projection is ALL, KEYS_ONLY or INCLUDE, with NonKeyAttributes.
	Projection       string
	NonKeyAttributes []string
}

// Function is a Lambda function.
type Function struct {
	LogicalID, Name, ARN string
	// Role is the execution role's ARN.
	Role string
	// Env is the function's environment.
	Env map[string]string
	// OnFailure is the ARN of its asynchronous invocations' on-failure
	// destination, empty for none.
	OnFailure string
	// AsyncRetries is how many times Lambda retries a failed asynchronous
	// invocation (MaximumRetryAttempts; Lambda's default is 2).
	AsyncRetries int
}

// StackSet is a service-managed StackSet: its template and parameters, to
// Load once per account it deploys to.
type StackSet struct {
	LogicalID, Name string
	Template        []byte
	Parameters      map[string]string
	// OrganizationalUnits are the deployment targets' OU IDs.
	OrganizationalUnits []string
	// Regions are the regions of its stack instances.
	Regions []string
}

// template is the part of a CloudFormation template Load reads.
type template struct {
	Parameters map[string]struct {
		Default any `json:"Default"`
	} `json:"Parameters"`
	Conditions map[string]any `json:"Conditions"`
	Resources  map[string]struct {
		Type       string         `json:"Type"`
		Properties map[string]any `json:"Properties"`
		Condition  string         `json:"Condition"`
	} `json:"Resources"`
}

// Role returns the role with the given logical ID.
func (d *Deployment) Role(logicalID string) (*Role, bool) { return find(d.Roles, logicalID) }

// Queue returns the queue with the given logical ID.
func (d *Deployment) Queue(logicalID string) (*Queue, bool) { return find(d.Queues, logicalID) }

// Topic returns the topic with the given logical ID.
func (d *Deployment) Topic(logicalID string) (*Topic, bool) { return find(d.Topics, logicalID) }

// Table returns the table with the given logical ID.
func (d *Deployment) Table(logicalID string) (*Table, bool) { return find(d.Tables, logicalID) }

// Function returns the function with the given logical ID.
func (d *Deployment) Function(logicalID string) (*Function, bool) {
	return find(d.Functions, logicalID)
}

type logical interface{ id() string }

func (r Role) id() string     { return r.LogicalID }
func (q Queue) id() string    { return q.LogicalID }
func (f Function) id() string { return f.LogicalID }
func (t Topic) id() string    { return t.LogicalID }
func (t Table) id() string    { return t.LogicalID }

func find[T logical](items []T, id string) (*T, bool) {
	for i := range items {
		if items[i].id() == id {
			return &items[i], true
		}
	}
	return nil, false
}

// Load reads a synthesized template (JSON) deployed at t.
func Load(doc []byte, t Target) (*Deployment, error) {
	var tpl template
	if err := json.Unmarshal(doc, &tpl); err != nil {
		return nil, fmt.Errorf("load template: %w", err)
	}
	if t.Partition == "" {
		t.Partition = "aws"
	}
	if t.StackName == "" || t.Account == "" || t.Region == "" {
		return nil, errors.New("load template: target needs StackName, Account and Region")
	}
	r, err := newResolver(&tpl, t)
	if err != nil {
		return nil, err
	}
	d := &Deployment{Target: t}
	var errs []error
	for _, id := range sortedKeys(anyMap(tpl.Resources)) {
		res := tpl.Resources[id]
		if res.Condition != "" && !r.condition[res.Condition] {
			continue
		}
		if why, ok := unmodelledIAM[res.Type]; ok {
			errs = append(errs, fmt.Errorf("%s: %s %s; the local deployment cannot prove it, so it refuses the template", id, res.Type, why))
			continue
		}
		if prop, ok := unmodelledIAMProperty(res.Type, res.Properties); ok {
			errs = append(errs, fmt.Errorf("%s: %s is not modelled by the local AWS; the local deployment refuses the template", id, prop))
			continue
		}
		keys, modelled := modelledProperties[res.Type]
		if !modelled {
			continue
		}
		props, err := r.value(pick(res.Properties, keys), id+".Properties")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, _ := props.(map[string]any)
		if err := d.add(id, res.Type, p, r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	errs = append(errs, d.unattached())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load template: %w", err)
	}
	return d, nil
}

// unmodelledIAM are resource types that carry IAM the local deployment
// does not put into the world: skipping one would let a grant escape the
// proof, so a template with one is refused.
var unmodelledIAM = map[string]string{
	"AWS::IAM::ManagedPolicy":     "attaches a managed policy",
	"AWS::IAM::RolePolicy":        "attaches an inline policy outside the role",
	"AWS::IAM::User":              "creates a user",
	"AWS::IAM::Group":             "creates a group",
	"AWS::SQS::QueueInlinePolicy": "sets a queue policy",
	"AWS::SNS::TopicInlinePolicy": "sets a topic policy",
	"AWS::Lambda::Url":            "opens a function URL",
	"AWS::KMS::Grant":             "grants use of a key",
	"AWS::IAM::InstanceProfile":   "creates an instance profile",
	"AWS::IAM::ServiceLinkedRole": "creates a service-linked role",
}

// unmodelledIAMProperty names a property that carries IAM the local
// deployment does not put into the world: a role's permissions boundary, a
// table's resource-based policy.
func unmodelledIAMProperty(typ string, props map[string]any) (string, bool) {
	prop := map[string]string{typeRole: "PermissionsBoundary", typeTable: "ResourcePolicy"}[typ]
	_, ok := props[prop]
	return prop, ok && prop != ""
}

// modelledProperties are the properties read of each type the emulator
// models; the rest (code, layers, logging) are never resolved, so they
// cannot fail a load.
var modelledProperties = map[string][]string{
	typeRole:        {"AssumeRolePolicyDocument", "Policies", "ManagedPolicyArns"},
	typePolicy:      {"PolicyDocument", "Roles", "Users", "Groups"},
	typeQueue:       {"KmsMasterKeyId", "VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy"},
	typeQueuePolicy: {"PolicyDocument", "Queues"},
	typeTopic:       {"KmsMasterKeyId"},
	typeTopicPolicy: {"PolicyDocument", "Topics"},
	typeKey:         {"KeyPolicy"},
	typeFunction:    {"Environment", "Role"},
	typeStackSet:    {"PermissionModel", "TemplateBody", "Parameters", "StackInstancesGroup"},
	typeInvokeCfg:   {"FunctionName", "DestinationConfig", "MaximumRetryAttempts"},
	typeTable: {"KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "BillingMode", "ProvisionedThroughput",
		"TimeToLiveSpecification", "SSESpecification", "PointInTimeRecoverySpecification", "StreamSpecification"},
}

func pick(props map[string]any, keys []string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := props[k]; ok {
			out[k] = v
		}
	}
	return out
}

func anyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// newResolver names every resource the emulator models and evaluates the
// template's conditions.
func newResolver(tpl *template, t Target) (*resolver, error) {
	r := &resolver{
		pseudo: map[string]string{
			"AWS::Partition": t.Partition, "AWS::Region": t.Region, "AWS::AccountId": t.Account,
			"AWS::StackName": t.StackName, "AWS::URLSuffix": "amazonaws.com",
			"AWS::StackId": fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", t.Partition, t.Region, t.Account, t.StackName, fakeUUID(t.StackName)),
		},
		refs:    map[string]string{},
		attrs:   map[string]map[string]string{},
		refused: map[string]map[string]string{},
	}
	for name, p := range tpl.Parameters {
		v, ok := t.Parameters[name]
		if !ok {
			if p.Default == nil {
				return nil, fmt.Errorf("load template: parameter %s has no value and no default", name)
			}
			v = fmt.Sprint(p.Default)
		}
		r.refs[name] = v
	}
	for id, res := range tpl.Resources {
		name := physicalName(t.StackName, id, res.Properties, res.Type)
		arnOf := func(service, region, account, resource string) string {
			return fmt.Sprintf("arn:%s:%s:%s:%s:%s", t.Partition, service, region, account, resource)
		}
		switch res.Type {
		case typeRole:
			arn := arnOf("iam", "", t.Account, "role/"+name)
			r.refs[id], r.attrs[id] = name, map[string]string{"Arn": arn, "RoleId": "AROA" + strings.ToUpper(fakeUUID(arn)[:17])}
		case typeQueue:
			arn := arnOf("sqs", t.Region, t.Account, name)
			url := fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", t.Region, t.Account, name)
			r.refs[id], r.attrs[id] = url, map[string]string{"Arn": arn, "QueueName": name, "QueueUrl": url}
		case typeTopic:
			arn := arnOf("sns", t.Region, t.Account, name)
			r.refs[id], r.attrs[id] = arn, map[string]string{"TopicArn": arn, "TopicName": name}
		case typeKey:
			keyID := fakeUUID(t.StackName + "/" + id)
			r.refs[id], r.attrs[id] = keyID, map[string]string{"Arn": arnOf("kms", t.Region, t.Account, "key/"+keyID), "KeyId": keyID}
		case typeFunction:
			r.refs[id], r.attrs[id] = name, map[string]string{"Arn": arnOf("lambda", t.Region, t.Account, "function:"+name)}
		case typeLogGroup:
			r.refs[id], r.attrs[id] = name, map[string]string{"Arn": arnOf("logs", t.Region, t.Account, "log-group:"+name+":*")}
		case typeRule:
			arn := arnOf("events", t.Region, t.Account, "rule/"+name)
			r.refs[id], r.attrs[id] = name, map[string]string{"Arn": arn}
		case typeTable:
			r.refs[id], r.attrs[id] = name, map[string]string{"Arn": arnOf("dynamodb", t.Region, t.Account, "table/"+name)}
			r.refused[id] = map[string]string{"StreamArn": "DynamoDB streams are not modelled by the local AWS; remove the stream's consumer or extend package tables"}
		case typePolicy, typeQueuePolicy, typeTopicPolicy, typeStackSet, typeInvokeCfg:
			r.refs[id] = name
		}
	}
	conds, err := evalConditions(tpl.Conditions, r)
	if err != nil {
		return nil, err
	}
	r.condition = conds
	return r, nil
}

// physicalName is the name CloudFormation would give the resource: the one
// its properties set, else a deterministic <stack>-<logical ID> cut to the
// type's limit.
func physicalName(stack, id string, props map[string]any, typ string) string {
	for _, key := range []string{"RoleName", "QueueName", "TopicName", "FunctionName", "LogGroupName", "Name", "StackSetName", "PolicyName", "TableName"} {
		if s, ok := props[key].(string); ok && s != "" {
			return s
		}
	}
	name := stack + "-" + id
	limit := map[string]int{typeQueue: 80, typeTable: 255}[typ]
	if limit == 0 {
		limit = 64
	}
	if len(name) > limit {
		name = name[:limit]
	}
	return name
}

// fakeUUID is a stable UUID-shaped ID derived from s.
func fakeUUID(s string) string {
	h := sha256.Sum256([]byte(s))
	x := hex.EncodeToString(h[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
