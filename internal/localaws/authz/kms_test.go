package authz_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/authz"
	"github.com/landfall/landfall/internal/localaws/org"
)

// delegatingKey is a key policy that lets IAM policies of the account grant
// the key's use, as CDK's default key policy does.
const delegatingKey = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`

// viaSQS allows actions on the key only through SQS, as Landfall's roles do.
func viaSQS(actions ...string) org.PolicyDocument {
	return org.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) +
		`"],"Resource":"` + keyARN + `","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com"}}}]}`)
}

func kmsWorld(t *testing.T, change func(w *localaws.World)) *localaws.Cloud {
	return newCloud(t, world(t, func(w *localaws.World) {
		w.KMS.Keys = []authz.KeySpec{{ID: keyID, Account: mgmt, Region: home, Policy: delegatingKey}}
		w.SQS.Queues[0].KMSMasterKeyID = keyID
		send := allow(workARN, "sqs:SendMessage", "sqs:ReceiveMessage")
		addRole(w, mgmt, org.RoleSpec{Name: "NoKey", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{send}})
		addRole(w, mgmt, org.RoleSpec{Name: "EncryptOnly", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{send, viaSQS("kms:GenerateDataKey")}})
		addRole(w, mgmt, org.RoleSpec{Name: "Both", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{send, viaSQS("kms:GenerateDataKey", "kms:Decrypt")}})
		if change != nil {
			change(w)
		}
	}), localaws.Options{})
}

func TestEncryptedQueueNeedsTheKMSGrants(t *testing.T) {
	c := kmsWorld(t, nil)
	ctx := t.Context()
	send := func(role string) error {
		_, err := sqs.NewFromConfig(as(t, c, "arn:aws:iam::111111111111:role/"+role)).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")})
		return err
	}
	wantDenied(t, send("NoKey"), "KMS.AccessDeniedException",
		"assumed-role/NoKey/fn is not authorized to perform: kms:GenerateDataKey on resource: "+keyARN+" because no identity-based policy allows the kms:GenerateDataKey action")
	wantDenied(t, send("EncryptOnly"), "KMS.AccessDeniedException", "kms:Decrypt on resource: "+keyARN)
	if err := send("Both"); err != nil {
		t.Errorf("both KMS grants: %v", err)
	}
	_, err := sqs.NewFromConfig(as(t, c, "arn:aws:iam::111111111111:role/NoKey")).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(workURL)})
	wantDenied(t, err, "KMS.AccessDeniedException", "kms:Decrypt")
	// The administrator's AdministratorAccess counts: the key policy
	// delegates to IAM.
	if _, err := sqs.NewFromConfig(c.Config(home, nil)).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")}); err != nil {
		t.Errorf("administrator: %v", err)
	}
}

func TestKeyPolicyMustAllow(t *testing.T) {
	// A key policy naming only one role: the administrator's
	// AdministratorAccess does not reach the key, the role needs no KMS
	// grant of its own.
	const publisher = "arn:aws:iam::111111111111:role/Publisher"
	c := kmsWorld(t, func(w *localaws.World) {
		w.KMS.Keys = append(w.KMS.Keys, authz.KeySpec{ID: "topic-key", Account: mgmt, Region: home, Policy: org.PolicyDocument(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + publisher + `"},"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}]}`)})
		w.SNS.Topics[0].KMSMasterKeyID = "arn:aws:kms:us-east-1:111111111111:key/topic-key"
		addRole(w, mgmt, org.RoleSpec{Name: "Publisher", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{allow(topicARN, "sns:Publish")}})
	})
	publish := func(cfg aws.Config) error {
		_, err := sns.NewFromConfig(cfg).Publish(t.Context(), &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String("x")})
		return err
	}
	wantDenied(t, publish(c.Config(home, nil)), "KMSAccessDenied", "user/admin is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:111111111111:key/topic-key")
	if err := publish(as(t, c, publisher)); err != nil {
		t.Errorf("publisher named by the key policy: %v", err)
	}
}

func TestAWSManagedKey(t *testing.T) {
	const sender = "arn:aws:iam::222222222222:role/Sender"
	c := kmsWorld(t, func(w *localaws.World) {
		w.SQS.Queues[0].KMSMasterKeyID = "alias/aws/sqs"
		w.SQS.Queues[0].Policy = org.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + sender + `"},"Action":"sqs:SendMessage","Resource":"*"}]}`)
		addRole(w, member, org.RoleSpec{Name: "Sender", TrustPolicy: lambdaTrust, Policies: []org.PolicyDocument{allow("*", "sqs:SendMessage", "kms:*")}})
	})
	send := func(cfg aws.Config) error {
		_, err := sqs.NewFromConfig(cfg).SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(workURL), MessageBody: aws.String("x")})
		return err
	}
	// Any principal of the account may use alias/aws/sqs through SQS...
	if err := send(as(t, c, "arn:aws:iam::111111111111:role/NoKey")); err != nil {
		t.Errorf("same account, AWS managed key: %v", err)
	}
	// ...and no other account can, whatever the queue policy says.
	wantDenied(t, send(as(t, c, sender)), "KMS.AccessDeniedException", "kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:111111111111:alias/aws/sqs")
}

func TestWorldKeys(t *testing.T) {
	w := world(t, func(w *localaws.World) {
		w.KMS.Keys = []authz.KeySpec{{ID: keyID, Account: "999999999999", Region: home}, {ID: "bad id!", Account: mgmt, Region: "mars-1", Policy: "{"}}
		w.SQS.Queues[0].KMSMasterKeyID = "alias/landfall"
		w.SNS.Topics[0].KMSMasterKeyID = "alias/aws/sqs"
	})
	err := w.Validate()
	for _, want := range []string{
		"kms.keys[0].policy: is required",
		`kms.keys[0].account: "999999999999" is not an account of the organization`,
		`kms.keys[1].id: "bad id!" is not a key ID`,
		`kms.keys[1].region: "mars-1" is not an AWS region`,
		"kms.keys[1].policy: ",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}

	w = world(t, func(w *localaws.World) {
		w.SQS.Queues[0].KMSMasterKeyID = "alias/landfall"
		w.SNS.Topics[0].KMSMasterKeyID = "alias/aws/sqs"
	})
	err = w.Validate()
	for _, want := range []string{
		`sqs.queues[0].kmsMasterKeyId: "alias/landfall" names no key of kms.keys`,
		`sns.topics[0].kmsMasterKeyId: "alias/aws/sqs" names no key of kms.keys; declare the key there (id, account, region, policy) or use alias/aws/sns`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}
}
