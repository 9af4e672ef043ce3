package authz_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/org"
)

func TestDenialShapes(t *testing.T) {
	w := world(t, func(w *localaws.World) { addRole(w, mgmt, org.RoleSpec{Name: "Nobody", TrustPolicy: lambdaTrust}) })
	c := newCloud(t, w, localaws.Options{})
	cfg := as(t, c, "arn:aws:iam::111111111111:role/Nobody")
	ctx := t.Context()
	user := "User: arn:aws:sts::111111111111:assumed-role/Nobody/fn is not authorized to perform: "

	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
		want   []string
	}{
		{"sts AssumeRole", func() error {
			_, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/AWSControlTowerExecution"), RoleSessionName: aws.String("x1")})
			return err
		}, "AccessDenied", http.StatusForbidden, []string{user + "sts:AssumeRole on resource: arn:aws:iam::222222222222:role/AWSControlTowerExecution"}},
		{"sns Publish", func() error {
			_, err := sns.NewFromConfig(cfg).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String("x")})
			var typed *snstypes.AuthorizationErrorException
			if err != nil && !errors.As(err, &typed) {
				t.Errorf("SNS error %T, want *types.AuthorizationErrorException", err)
			}
			return err
		}, "AuthorizationError", http.StatusForbidden, []string{user + "SNS:Publish on resource: " + topicARN + " because no identity-based policy allows the SNS:Publish action"}},
		{"sqs SendMessage", func() error {
			_, err := sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")})
			return err
		}, "AccessDenied", http.StatusForbidden, []string{user + "sqs:SendMessage on resource: " + workARN + " because no identity-based policy allows the sqs:SendMessage action"}},
		{"servicecatalog SearchProducts", func() error {
			_, err := servicecatalog.NewFromConfig(cfg).SearchProducts(ctx, &servicecatalog.SearchProductsInput{})
			return err
		}, "AccessDeniedException", http.StatusBadRequest, []string{user + "servicecatalog:SearchProducts because no identity-based policy allows"}},
		{"servicecatalog DescribeProduct", func() error {
			_, err := servicecatalog.NewFromConfig(cfg).DescribeProduct(ctx, &servicecatalog.DescribeProductInput{Id: aws.String("prod-ue1basevpc0")})
			return err
		}, "AccessDeniedException", http.StatusBadRequest, []string{user + "servicecatalog:DescribeProduct on resource: arn:aws:catalog:us-east-1:111111111111:product/prod-ue1basevpc0"}},
		{"organizations DescribeAccount", func() error {
			_, err := organizations.NewFromConfig(cfg).DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(member)})
			return err
		}, "AccessDeniedException", http.StatusBadRequest, []string{user + "organizations:DescribeAccount on resource: arn:aws:organizations::111111111111:account/o-ab12cd34ef/222222222222"}},
		{"lambda Invoke", func() error {
			_, err := lambda.NewFromConfig(cfg).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("landfall-launch")})
			return err
		}, "AccessDeniedException", http.StatusForbidden, []string{user + "lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:landfall-launch"}},
		{"cloudformation DescribeStacks", func() error {
			_, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("Landfall")})
			return err
		}, "AccessDenied", http.StatusForbidden, []string{user + "cloudformation:DescribeStacks on resource: arn:aws:cloudformation:us-east-1:111111111111:stack/Landfall/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantDenied(t, err, tt.code, tt.want...)
			if got := status(err); got != tt.status {
				t.Errorf("HTTP status = %d, want %d", got, tt.status)
			}
		})
	}

	// GetCallerIdentity needs no permission.
	if out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil || aws.ToString(out.Arn) != "arn:aws:sts::111111111111:assumed-role/Nobody/fn" {
		t.Errorf("GetCallerIdentity = %v, %v", out, err)
	}
}

func TestNarrowRoleGetsExactlyItsActions(t *testing.T) {
	w := world(t, func(w *localaws.World) {
		addRole(w, mgmt, org.RoleSpec{Name: "Worker", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{
			allow(workARN, "sqs:SendMessage"), allow(topicARN, "sns:Publish"),
		}})
	})
	c := newCloud(t, w, localaws.Options{})
	cfg := as(t, c, workerARN)
	ctx := t.Context()
	q, topic := sqs.NewFromConfig(cfg), sns.NewFromConfig(cfg)

	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")}); err != nil {
		t.Errorf("granted SendMessage: %v", err)
	}
	if _, err := topic.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String("x")}); err != nil {
		t.Errorf("granted Publish: %v", err)
	}
	_, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(workURL)})
	wantDenied(t, err, "AccessDenied", "sqs:ReceiveMessage on resource: "+workARN)
	_, err = q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL + "-dlq"), MessageBody: aws.String("x")})
	wantDenied(t, err, "AccessDenied", "sqs:SendMessage on resource: "+workARN+"-dlq")
	_, err = q.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(workURL), Entries: []sqstypes.SendMessageBatchRequestEntry{{Id: aws.String("a"), MessageBody: aws.String("x")}}})
	if err != nil {
		t.Errorf("SendMessageBatch (authorized as sqs:SendMessage): %v", err)
	}
	_, err = topic.ListTopics(ctx, &sns.ListTopicsInput{})
	wantDenied(t, err, "AuthorizationError", "SNS:ListTopics")
}

func TestTrustPolicy(t *testing.T) {
	w := world(t, func(w *localaws.World) {
		addRole(w, mgmt, org.RoleSpec{Name: "Worker", TrustPolicy: lambdaTrust})
		addRole(w, mgmt, org.RoleSpec{Name: "NamesWorker", TrustPolicy: org.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + workerARN + `"},"Action":"sts:AssumeRole"}]}`)})
		addRole(w, mgmt, org.RoleSpec{Name: "NamesAccount", TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`})
	})
	c := newCloud(t, w, localaws.Options{})
	ctx := t.Context()
	assume := func(cfg aws.Config, role string) error {
		_, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/" + role), RoleSessionName: aws.String("s1")})
		return err
	}
	admin, worker := c.Config(home, nil), as(t, c, workerARN)

	// The administrator's AdministratorAccess does not get it past a trust
	// policy that does not name it, even in its own account.
	wantDenied(t, assume(admin, "Worker"), "AccessDenied", "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/Worker")
	// A trust policy naming the role lets its sessions in without any
	// identity policy; one naming only the account delegates to identity
	// policies, which Worker has none of.
	if err := assume(worker, "NamesWorker"); err != nil {
		t.Errorf("trust policy naming the role: %v", err)
	}
	wantDenied(t, assume(worker, "NamesAccount"), "AccessDenied", "assumed-role/Worker/fn is not authorized to perform: sts:AssumeRole")
	if err := assume(admin, "NamesAccount"); err != nil {
		t.Errorf("trust naming the account, administrator: %v", err)
	}

	// Lambda may only assume roles whose trust policy names it.
	for _, role := range []string{"arn:aws:iam::222222222222:role/AWSControlTowerExecution", "arn:aws:iam::111111111111:role/Missing"} {
		_, err := c.RoleCredentials(role, "fn")
		if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "is not authorized to perform: sts:AssumeRole on resource: "+role) {
			t.Errorf("RoleCredentials(%s) = %v, want STS's AccessDenied", role, err)
		}
	}
}

func TestCrossAccountNeedsBothSides(t *testing.T) {
	const sender, bare = "arn:aws:iam::222222222222:role/Sender", "arn:aws:iam::222222222222:role/Bare"
	queuePolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + sender + `","` + bare + `"]},"Action":"sqs:SendMessage","Resource":"` + workARN + `"}]}`
	setup := func(withPolicy bool) *localaws.Cloud {
		return newCloud(t, world(t, func(w *localaws.World) {
			addRole(w, member, org.RoleSpec{Name: "Sender", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{allow(workARN, "sqs:SendMessage")}})
			addRole(w, member, org.RoleSpec{Name: "Bare", TrustPolicy: lambdaTrust})
			if withPolicy {
				w.SQS.Queues[0].Policy = org.PolicyDocument(queuePolicy)
			}
		}), localaws.Options{})
	}
	send := func(c *localaws.Cloud, role string) error {
		_, err := sqs.NewFromConfig(as(t, c, role)).SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")})
		return err
	}

	wantDenied(t, send(setup(false), sender), "AccessDenied", "because no resource-based policy allows the sqs:SendMessage action")
	c := setup(true)
	if err := send(c, sender); err != nil {
		t.Errorf("identity and queue policy allow: %v", err)
	}
	wantDenied(t, send(c, bare), "AccessDenied", "because no identity-based policy allows the sqs:SendMessage action")
}

func TestQueuePolicyDenyBeatsAdministrator(t *testing.T) {
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*",` +
		`"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"` + workerARN + `"}}}]}`
	c := newCloud(t, world(t, func(w *localaws.World) {
		addRole(w, mgmt, org.RoleSpec{Name: "Worker", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{allow(workARN, "sqs:SendMessage")}})
		w.SQS.Queues[0].Policy = org.PolicyDocument(deny)
	}), localaws.Options{})
	ctx := t.Context()
	admin := sqs.NewFromConfig(c.Config(home, nil))

	_, err := admin.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("forged")})
	wantDenied(t, err, "AccessDenied", "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sqs:SendMessage on resource: "+workARN+" with an explicit deny in a resource-based policy")
	// A look-alike host naming another region must not move the decision to
	// a queue the operation does not touch: the queue service reads the
	// region only from an SQS host, and so does IAM.
	lookalike := strings.Replace(workURL, "sqs."+home+".amazonaws.com", "sqs.us-west-2.example.com", 1)
	if lookalike == workURL {
		t.Fatalf("queue URL %s has no SQS host to replace", workURL)
	}
	_, err = admin.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(lookalike), MessageBody: aws.String("forged")})
	wantDenied(t, err, "AccessDenied", "with an explicit deny in a resource-based policy")
	if _, err := sqs.NewFromConfig(as(t, c, workerARN)).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("run")}); err != nil {
		t.Errorf("worker SendMessage: %v", err)
	}
	// The Deny covers sending only: the administrator still reads and purges.
	if _, err := admin.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(workURL)}); err != nil {
		t.Errorf("administrator ReceiveMessage: %v", err)
	}
	if _, err := admin.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(workURL)}); err != nil {
		t.Errorf("administrator PurgeQueue: %v", err)
	}
}

func TestSecureTransport(t *testing.T) {
	tlsOnly := org.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	send := func(opts localaws.Options) error {
		c := newCloud(t, world(t, func(w *localaws.World) { w.SQS.Queues[0].Policy = tlsOnly }), opts)
		_, err := sqs.NewFromConfig(c.Config(home, nil)).SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")})
		return err
	}
	if err := send(localaws.Options{}); err != nil {
		t.Errorf("SDK request (counts as TLS): %v", err)
	}
	wantDenied(t, send(localaws.Options{InsecureTransport: true}), "AccessDenied", "with an explicit deny in a resource-based policy")
}

func TestRoleCredentialsRenewOnTheEmulatorClock(t *testing.T) {
	c := newCloud(t, world(t, func(w *localaws.World) {
		addRole(w, mgmt, org.RoleSpec{Name: "Worker", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{allow(workARN, "sqs:SendMessage")}})
	}), localaws.Options{})
	client := sqs.NewFromConfig(as(t, c, workerARN))
	clock, _ := c.ManualClock()
	for i := range 4 {
		if _, err := client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")}); err != nil {
			t.Fatalf("SendMessage after %d emulated hours: %v", i*3, err)
		}
		clock.Advance(3 * time.Hour)
	}
	if got := c.Calls().Count("sts.AssumeRole"); got != 0 {
		t.Errorf("sts.AssumeRole calls = %d: Lambda's sessions are not API calls", got)
	}
}
