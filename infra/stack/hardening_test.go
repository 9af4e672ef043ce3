package stack

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Issue 11: the queue and topic policies that name their senders, the key
// policy's service statements, reserved concurrency, encrypted logs and the
// opt-in data-event trail.

// hardenedFor is the stack with every hardening option that is off by
// default turned on, and the one that is on turned off: the data-event
// trail, redrive principals, plain log groups, a launch reserved
// concurrency of 3.
var hardenedFor = stackVariant("the hardened stack", func() (*synthesized, error) {
	return build(withContext(map[string]any{
		"landfall:launchDataEvents":          true,
		"landfall:encryptLogs":               false,
		"landfall:launchReservedConcurrency": float64(3),
		"landfall:redrivePrincipals":         []any{"arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AWSAdministratorAccess_*"},
	}))
})

func (s *synthesized) functionRoles(t *testing.T) []any {
	return []any{s.getAtt(t, "LaunchRole", "Arn"), s.getAtt(t, "WorkerRole", "Arn")}
}

// denyUnless is a resource-policy statement denying action to everyone for
// whom condition holds.
func denyUnless(sid, action string, resource any, condition map[string]any) map[string]any {
	return map[string]any{
		"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource, "Condition": condition,
	}
}

func offeredProtocolsOnly(topic any) map[string]any {
	return denyUnless("OnlyOfferedProtocols", "sns:Subscribe", topic, map[string]any{
		"StringNotEquals": map[string]any{"sns:Protocol": []string{"email", "email-json", "https", "lambda", "sqs"}},
	})
}

// thisAccountARN is arn:<partition>:<service>:<region>:<account>:<resource>
// as the stack writes it.
func thisAccountARN(service, resource string) map[string]any {
	return join("arn:", pseudo("AWS::Partition"), ":"+service+":", pseudo("AWS::Region"), ":", pseudo("AWS::AccountId"), ":"+resource)
}

// baseKeyStatements is the key policy of a stack whose names derive from
// base, with or without the log groups' statement.
func baseKeyStatements(base string, logs bool) []any {
	root := map[string]any{"AWS": join("arn:", pseudo("AWS::Partition"), ":iam::"+testAccount+":root")}
	regional := func(svc string) map[string]any { return join(svc+".", pseudo("AWS::Region"), ".amazonaws.com") }
	use := []string{"kms:Decrypt", "kms:GenerateDataKey"}
	stmts := []any{
		map[string]any{
			"Sid": "KeyAdministration", "Effect": "Allow", "Principal": root, "Resource": "*",
			"Action": []string{
				"kms:CancelKeyDeletion", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
				"kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
				"kms:ListGrants", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant",
				"kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription",
			},
		},
		map[string]any{
			"Sid": "UseThroughSNSAndSQS", "Effect": "Allow", "Principal": root, "Resource": "*", "Action": use,
			"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": []any{regional("sns"), regional("sqs")}}},
		},
		// The run ledger (TestLedgerKeyStatement).
		ledgerKeyStatement(root, regional("dynamodb")),
		// The one rule, by the name the rule is given (TestEventBridgeKeyStatement).
		map[string]any{
			"Sid": "EventBridgeDeadLetters", "Effect": "Allow", "Principal": map[string]any{"Service": "events.amazonaws.com"},
			"Resource": "*", "Action": use,
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": thisAccountARN("events", "rule/"+base+"-lifecycle")}},
		},
		map[string]any{
			"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
			"Resource": "*", "Action": use,
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": pseudo("AWS::AccountId")}},
		},
	}
	if logs {
		stmts = append(stmts, map[string]any{
			"Sid": "CloudWatchLogsFunctionLogs", "Effect": "Allow", "Principal": map[string]any{"Service": regional("logs")},
			"Resource": "*",
			// CloudWatch Logs' documented kms:Encrypt*, Decrypt*, ReEncrypt*,
			// GenerateDataKey* and Describe*, spelled out.
			"Action": []string{
				"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
				"kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
			},
			"Condition": map[string]any{"ArnEquals": map[string]any{"kms:EncryptionContext:aws:logs:arn": []any{
				thisAccountARN("logs", "log-group:/landfall/"+base+"/launch"),
				thisAccountARN("logs", "log-group:/landfall/"+base+"/worker"),
			}}},
		})
	}
	return stmts
}

// TestQueuePolicies pins who may send to each queue: an explicit Deny for
// everyone else, and nothing about receiving, deleting or purging.
func TestQueuePolicies(t *testing.T) {
	s := stackFor(t)
	statements := func(path string) []any {
		return s.props(t, path+"/Policy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
	}
	tests := []struct {
		path string
		want map[string]any
	}{
		{"WorkQueue", denyUnless("OnlyLandfallQueuesRuns", "sqs:SendMessage", s.getAtt(t, "WorkQueue", "Arn"),
			map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": s.functionRoles(t)}})},
		// Lambda's on-failure destination sends with the function's role.
		{"LaunchFailureQueue", denyUnless("OnlyLaunchFailuresArrive", "sqs:SendMessage", s.getAtt(t, "LaunchFailureQueue", "Arn"),
			map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": s.getAtt(t, "LaunchRole", "Arn")}})},
		// EventBridge sends as itself, for either of Landfall's rules.
		{"EventDeadLetterQueue", denyUnless("OnlyLandfallRulesParkEvents", "sqs:SendMessage", s.getAtt(t, "EventDeadLetterQueue", "Arn"),
			map[string]any{"ArnNotEquals": map[string]any{"aws:SourceArn": []any{s.getAtt(t, "LifecycleRule", "Arn"), s.getAtt(t, "OrganizationsRule", "Arn")}}})},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			stmts := statements(tt.path)
			equalJSON(t, tt.path+" sender statement", stmts[len(stmts)-1], tt.want)
		})
	}
	// SQS fills the work dead-letter queue itself: no sender statement.
	if stmts := statements("WorkDeadLetterQueue"); len(stmts) != 1 {
		t.Errorf("work dead-letter queue policy has %d statements, want only the TLS one: %s", len(stmts), jsonOf(stmts))
	}
	// The EventBridge Allow CDK adds stays: a Deny never grants.
	if stmts := statements("EventDeadLetterQueue"); stmts[1].(map[string]any)["Effect"] != "Allow" {
		t.Errorf("event dead-letter queue lost EventBridge's Allow: %s", jsonOf(stmts))
	}
}

// TestResourcePoliciesDenyOnlySending walks every queue and topic policy:
// a Deny names only a sending action (or is the TLS one), so receiving,
// deleting, purging, redriving and attribute calls stay with the account.
func TestResourcePoliciesDenyOnlySending(t *testing.T) {
	s := stackFor(t)
	sending := []string{"sqs:SendMessage", "sns:Publish", "sns:Subscribe"}
	denies := 0
	for _, typ := range []string{"AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"} {
		for id, r := range s.resourcesOf(typ) {
			for _, st := range r["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
				stmt := st.(map[string]any)
				if stmt["Effect"] != "Deny" || jsonOf(stmt["Condition"]) == `{"Bool":{"aws:SecureTransport":"false"}}` {
					continue
				}
				denies++
				if action, _ := stmt["Action"].(string); !slices.Contains(sending, action) {
					t.Errorf("%s denies %v: only %v may be denied", id, stmt["Action"], sending)
				}
				if stmt["Condition"] == nil {
					t.Errorf("%s denies %v to everyone, unconditionally", id, stmt["Action"])
				}
			}
		}
	}
	if denies != 7 {
		t.Errorf("%d sender denials, want 7 (3 queues, 2 publish, 2 subscribe)", denies)
	}
}

func TestRedrivePrincipalsMayReachTheWorkQueue(t *testing.T) {
	s := hardenedFor(t)
	stmts := s.props(t, "WorkQueue/Policy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
	equalJSON(t, "work queue senders", stmts[len(stmts)-1], denyUnless("OnlyLandfallQueuesRuns", "sqs:SendMessage", s.getAtt(t, "WorkQueue", "Arn"),
		map[string]any{
			// Both must fail for the Deny to apply: the functions, or an operator redriving.
			"ArnNotEquals": map[string]any{"aws:PrincipalArn": s.functionRoles(t)},
			"ArnNotLike": map[string]any{"aws:PrincipalArn": []string{
				"arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AWSAdministratorAccess_*",
			}},
		}))
}

// TestEventBridgeKeyStatement: the key lets EventBridge encrypt dead letters
// for the lifecycle rule only, named by the name the rule really has.
func TestEventBridgeKeyStatement(t *testing.T) {
	s := stackFor(t)
	name := s.props(t, "LifecycleRule")["Name"].(string)
	for _, st := range s.props(t, "Key")["KeyPolicy"].(map[string]any)["Statement"].([]any) {
		stmt := st.(map[string]any)
		if stmt["Sid"] != "EventBridgeDeadLetters" {
			continue
		}
		equalJSON(t, "EventBridge condition", stmt["Condition"], map[string]any{
			"ArnEquals": map[string]any{"aws:SourceArn": thisAccountARN("events", "rule/"+name)},
		})
		return
	}
	t.Fatal("no EventBridgeDeadLetters statement in the key policy")
}

// TestLogGroupsEncryptedWithTheKey: each function's log group uses the key,
// and the key's CloudWatch Logs statement names exactly those log groups.
func TestLogGroupsEncryptedWithTheKey(t *testing.T) {
	s := stackFor(t)
	var names []any
	for _, fn := range []string{"LaunchFunction", "WorkerFunction"} {
		p := s.props(t, fn+"Logs")
		equalJSON(t, fn+" log group key", p["KmsKeyId"], s.getAtt(t, "Key", "Arn"))
		names = append(names, thisAccountARN("logs", "log-group:"+p["LogGroupName"].(string)))
	}
	for _, st := range s.props(t, "Key")["KeyPolicy"].(map[string]any)["Statement"].([]any) {
		if stmt := st.(map[string]any); stmt["Sid"] == "CloudWatchLogsFunctionLogs" {
			equalJSON(t, "log groups the key serves", stmt["Condition"], map[string]any{
				"ArnEquals": map[string]any{"kms:EncryptionContext:aws:logs:arn": names},
			})
			return
		}
	}
	t.Fatal("no CloudWatchLogsFunctionLogs statement in the key policy")
}

func TestUnencryptedLogsAndReservedConcurrency(t *testing.T) {
	s := hardenedFor(t)
	for _, fn := range []string{"LaunchFunctionLogs", "WorkerFunctionLogs"} {
		if k, ok := s.props(t, fn)["KmsKeyId"]; ok {
			t.Errorf("%s has KmsKeyId %v with landfall:encryptLogs false", fn, k)
		}
	}
	for _, st := range s.props(t, "Key")["KeyPolicy"].(map[string]any)["Statement"].([]any) {
		if sid := st.(map[string]any)["Sid"]; sid == "CloudWatchLogsFunctionLogs" {
			t.Error("the key still serves CloudWatch Logs with landfall:encryptLogs false")
		}
	}
	if got := s.props(t, "LaunchFunction")["ReservedConcurrentExecutions"]; got != float64(3) {
		t.Errorf("launch ReservedConcurrentExecutions = %v, want 3 (landfall:launchReservedConcurrency)", got)
	}
	if got, ok := s.props(t, "WorkerFunction")["ReservedConcurrentExecutions"]; ok {
		t.Errorf("worker ReservedConcurrentExecutions = %v, want none", got)
	}
}

// TestNoDataEventsTrailByDefault: data events are billed, so opt-in.
func TestNoDataEventsTrailByDefault(t *testing.T) {
	s := stackFor(t)
	for _, typ := range []string{"AWS::CloudTrail::Trail", "AWS::S3::Bucket", "AWS::S3::BucketPolicy"} {
		if n := len(s.resourcesOf(typ)); n != 0 {
			t.Errorf("%d %s by default, want none", n, typ)
		}
	}
	for _, st := range s.props(t, "Key")["KeyPolicy"].(map[string]any)["Statement"].([]any) {
		if sid, _ := st.(map[string]any)["Sid"].(string); strings.Contains(sid, "CloudTrail") || strings.Contains(sid, "DataEvents") {
			t.Errorf("key policy has %s without the trail", sid)
		}
	}
}

func TestDataEventsTrail(t *testing.T) {
	s := hardenedFor(t)
	trailName := "LandfallA343B1E1-launch-invocations"
	trailARN := thisAccountARN("cloudtrail", "trail/"+trailName)
	_, trail := s.resource(t, "LaunchDataEvents")
	equalJSON(t, "trail", trail["Properties"], map[string]any{
		"TrailName":                  trailName,
		"S3BucketName":               s.ref(t, "TrailBucket"),
		"IsLogging":                  true,
		"IsMultiRegionTrail":         false,
		"IncludeGlobalServiceEvents": false,
		"EnableLogFileValidation":    true,
		"KMSKeyId":                   s.getAtt(t, "Key", "Arn"),
		// Data events of the launch function only; no management events.
		"AdvancedEventSelectors": []any{map[string]any{
			"Name": "Launch function invocations",
			"FieldSelectors": []any{
				map[string]any{"Field": "eventCategory", "Equals": []string{"Data"}},
				map[string]any{"Field": "resources.type", "Equals": []string{"AWS::Lambda::Function"}},
				map[string]any{"Field": "resources.ARN", "Equals": []any{s.getAtt(t, "LaunchFunction", "Arn")}},
			},
		}},
	})
	bucketPolicy, _ := s.resource(t, "TrailBucket/Policy")
	if deps := fmt.Sprint(trail["DependsOn"]); !strings.Contains(deps, bucketPolicy) {
		t.Errorf("trail DependsOn %v, want the bucket policy %s (CloudTrail checks it on create)", deps, bucketPolicy)
	}

	bucket := s.getAtt(t, "TrailBucket", "Arn")
	stmts := s.props(t, "TrailBucket/Policy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
	equalJSON(t, "CloudTrail delivery", stmts[1:], []any{
		map[string]any{
			"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:GetBucketAcl", "Resource": bucket,
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trailARN}},
		},
		map[string]any{
			"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:PutObject", "Resource": join(bucket, "/AWSLogs/", pseudo("AWS::AccountId"), "/*"),
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trailARN, "s3:x-amz-acl": "bucket-owner-full-control"}},
		},
	})
	for _, path := range []string{"TrailBucket", "TrailAccessLogs"} {
		_, b := s.resource(t, path)
		p := b["Properties"].(map[string]any)
		equalJSON(t, path+" encryption", p["BucketEncryption"], map[string]any{"ServerSideEncryptionConfiguration": []any{
			map[string]any{"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"}},
		}})
		equalJSON(t, path+" versioning", p["VersioningConfiguration"], map[string]any{"Status": "Enabled"})
		if b["DeletionPolicy"] != "Retain" {
			t.Errorf("%s DeletionPolicy = %v, want Retain: audit records outlive the stack", path, b["DeletionPolicy"])
		}
	}
	equalJSON(t, "access logging", s.props(t, "TrailBucket")["LoggingConfiguration"], map[string]any{
		"DestinationBucketName": s.ref(t, "TrailAccessLogs"), "LogFilePrefix": "trail-bucket/",
	})
	logStmts := s.props(t, "TrailAccessLogs/Policy")["PolicyDocument"].(map[string]any)["Statement"].([]any)
	equalJSON(t, "S3 log delivery", logStmts[1:], []any{map[string]any{
		"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": map[string]any{"Service": "logging.s3.amazonaws.com"},
		"Action": "s3:PutObject", "Resource": join(s.getAtt(t, "TrailAccessLogs", "Arn"), "/trail-bucket/*"),
		"Condition": map[string]any{
			"ArnLike":      map[string]any{"aws:SourceArn": bucket},
			"StringEquals": map[string]any{"aws:SourceAccount": pseudo("AWS::AccountId")},
		},
	}})

	root := map[string]any{"AWS": join("arn:", pseudo("AWS::Partition"), ":iam::"+testAccount+":root")}
	key := s.props(t, "Key")
	equalJSON(t, "key policy with the trail", key["KeyPolicy"].(map[string]any)["Statement"], append(baseKeyStatements("LandfallA343B1E1", false),
		map[string]any{
			"Sid": "CloudTrailEncryptLaunchDataEvents", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			"Action": "kms:GenerateDataKey", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trailARN, "kms:EncryptionContext:aws:cloudtrail:arn": trailARN}},
		},
		map[string]any{
			"Sid": "CloudTrailDescribeKey", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			"Action": "kms:DescribeKey", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trailARN}},
		},
		map[string]any{
			"Sid": "ReadLaunchDataEvents", "Effect": "Allow", "Principal": root, "Action": "kms:Decrypt", "Resource": "*",
			"Condition": map[string]any{"StringEquals": map[string]any{
				"kms:EncryptionContext:aws:cloudtrail:arn": trailARN,
				"kms:ViaService": join("s3.", pseudo("AWS::Region"), ".amazonaws.com"),
			}},
		},
		organizationsKeyStatement("LandfallA343B1E1"),
	))
	equalJSON(t, "key description", key["Description"],
		"Landfall: encrypts the summary and alarm topics, the work and dead-letter queues, the run ledger and the launch function's data-event trail")
}

// TestHardenedStackNag: the opt-in resources pass every pack, with the
// accepted findings of the trail and of the plain log groups pinned.
func TestHardenedStackNag(t *testing.T) {
	s := hardenedFor(t)
	for _, m := range unsuppressedNagFindings(s) {
		t.Errorf("unsuppressed cdk-nag finding at %s: %v", *m.Id, m.Entry.Data)
	}
	var trail []suppression
	for _, sup := range acceptedNagFindings(t, s) {
		if strings.HasPrefix(sup.Path, "Trail") || strings.HasPrefix(sup.Path, "LaunchDataEvents") || strings.HasSuffix(sup.Path, "FunctionLogs/Resource") {
			trail = append(trail, sup)
		}
	}
	var want []suppression
	for _, pack := range []string{"NIST.800.53.R5-", "HIPAA.Security-", "PCI.DSS.321-"} {
		want = append(want,
			suppression{"LaunchDataEvents", pack + "CloudTrailCloudWatchLogsEnabled", ""},
			suppression{"TrailBucket/Resource", pack + "S3BucketReplicationEnabled", ""},
			suppression{"TrailAccessLogs/Resource", pack + "S3BucketReplicationEnabled", ""},
			suppression{"TrailBucket/Resource", pack + "S3DefaultEncryptionKMS", ""},
			suppression{"TrailAccessLogs/Resource", pack + "S3DefaultEncryptionKMS", ""},
			// landfall:encryptLogs false
			suppression{"LaunchFunctionLogs/Resource", pack + "CloudWatchLogGroupEncrypted", ""},
			suppression{"WorkerFunctionLogs/Resource", pack + "CloudWatchLogGroupEncrypted", ""},
		)
	}
	equalJSON(t, "accepted findings of the opt-in settings", sortedSuppressions(trail), sortedSuppressions(want))
}

// TestNoDependencyCycle follows every Ref, Fn::GetAtt, Fn::Sub and DependsOn
// between resources: CloudFormation refuses a template with a cycle, and the
// key policy naming the rule, log groups and trail is where one would come
// from (key -> rule -> dead-letter queue -> key) if it used their attributes.
func TestNoDependencyCycle(t *testing.T) {
	for name, s := range map[string]*synthesized{"default": stackFor(t), "hardened": hardenedFor(t)} {
		t.Run(name, func(t *testing.T) {
			if cycle := findCycle(dependencies(s.doc)); cycle != nil {
				t.Errorf("dependency cycle: %s", strings.Join(cycle, " -> "))
			}
		})
	}
}

// dependencies maps each resource to the resources it refers to.
func dependencies(doc map[string]any) map[string][]string {
	resources := doc["Resources"].(map[string]any)
	deps := map[string][]string{}
	for id, r := range resources {
		seen := map[string]bool{}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if ref, ok := x["Ref"].(string); ok && resources[ref] != nil {
					seen[ref] = true
				}
				if att, ok := x["Fn::GetAtt"].([]any); ok && resources[att[0].(string)] != nil {
					seen[att[0].(string)] = true
				}
				for _, child := range x {
					walk(child)
				}
			case []any:
				for _, child := range x {
					walk(child)
				}
			case string:
				for other := range resources {
					if strings.Contains(x, "${"+other+"}") || strings.Contains(x, "${"+other+".") {
						seen[other] = true
					}
				}
			}
		}
		body := r.(map[string]any)
		walk(body["Properties"])
		switch d := body["DependsOn"].(type) {
		case string:
			seen[d] = true
		case []any:
			for _, x := range d {
				seen[x.(string)] = true
			}
		}
		for dep := range seen {
			deps[id] = append(deps[id], dep)
		}
		sort.Strings(deps[id])
	}
	return deps
}

// findCycle returns one cycle of the graph, or nil.
func findCycle(deps map[string][]string) []string {
	const (
		unvisited = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(n string) []string
	visit = func(n string) []string {
		state[n] = onPath
		path = append(path, n)
		for _, d := range deps[n] {
			switch state[d] {
			case onPath:
				i := slices.Index(path, d)
				return append(slices.Clone(path[i:]), d)
			case unvisited:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	ids := make([]string, 0, len(deps))
	for id := range deps {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if state[id] == unvisited {
			if c := visit(id); c != nil {
				return c
			}
		}
	}
	return nil
}

func TestFindCycle(t *testing.T) {
	tests := []struct {
		name string
		deps map[string][]string
		want []string
	}{
		{"chain", map[string][]string{"Key": nil, "Queue": {"Key"}, "Rule": {"Queue"}}, nil},
		{"key policy naming the rule's attribute", map[string][]string{"Key": {"Rule"}, "Queue": {"Key"}, "Rule": {"Queue"}}, []string{"Key", "Rule", "Queue", "Key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			equalJSON(t, "cycle", findCycle(tt.deps), tt.want)
		})
	}
}
