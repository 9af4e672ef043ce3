package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudtrail"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
)

// DataEventsTrail records who invoked the launch function (Props.
// LaunchDataEvents): the launch function is the one way in for operators
// (landfall invoke, console test events), and Lambda's Invoke is a data
// event, which the account's management-event trails do not record.
//
// Cost: CloudTrail bills data events at $0.10 per 100,000 events delivered
// (US East; other Regions alike or close), plus S3 storage for the log files.
// The trail selects only Invoke calls on the launch function, which runs
// once per Control Tower account event and per operator request, so a
// month of a busy organization (1,000 invocations) costs about $0.001.
type DataEventsTrail struct {
	Trail awscloudtrail.CfnTrail
	// Bucket holds the log files (SSE-KMS with the stack's key, written by
	// CloudTrail) and digest files (SSE-S3, as CloudTrail always writes
	// them); AccessLogs holds the bucket's server access logs.
	Bucket     awss3.Bucket
	AccessLogs awss3.Bucket
}

// newDataEventsTrail adds the trail, its bucket and the bucket's access-log
// bucket. The trail uses an advanced event selector: data events only, on
// AWS::Lambda::Function, for the launch function's ARN only; no management
// events. Both buckets and their contents survive deleting the stack: they
// are audit records.
func (c *Construct) newDataEventsTrail() *DataEventsTrail {
	t := &DataEventsTrail{}
	t.AccessLogs = awss3.NewBucket(c.Construct, jsii.String("TrailAccessLogs"), &awss3.BucketProps{
		// Server access logs can only be delivered to a bucket whose
		// default encryption is SSE-S3.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	t.Bucket = awss3.NewBucket(c.Construct, jsii.String("TrailBucket"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	logAccess(t.Bucket, t.AccessLogs, "trail-bucket/")
	c.allowTrailDelivery(t.Bucket)

	t.Trail = awscloudtrail.NewCfnTrail(c.Construct, jsii.String("LaunchDataEvents"), &awscloudtrail.CfnTrailProps{
		TrailName:                  jsii.String(c.names.trail),
		S3BucketName:               t.Bucket.BucketName(),
		IsLogging:                  jsii.Bool(true),
		IsMultiRegionTrail:         jsii.Bool(false),
		IncludeGlobalServiceEvents: jsii.Bool(false),
		EnableLogFileValidation:    jsii.Bool(true),
		KmsKeyId:                   c.Key.KeyArn(),
		AdvancedEventSelectors: &[]*awscloudtrail.CfnTrail_AdvancedEventSelectorProperty{{
			Name: jsii.String("Launch function invocations"),
			FieldSelectors: &[]*awscloudtrail.CfnTrail_AdvancedFieldSelectorProperty{
				{Field: jsii.String("eventCategory"), EqualTo: jsii.Strings("Data")},
				{Field: jsii.String("resources.type"), EqualTo: jsii.Strings("AWS::Lambda::Function")},
				{Field: jsii.String("resources.ARN"), EqualTo: &[]*string{c.LaunchFunction.FunctionArn()}},
			},
		}},
	})
	// CloudTrail checks the bucket policy when the trail is created.
	t.Trail.Node().AddDependency(t.Bucket.Policy())
	return t
}

// logAccess turns on server access logging from bucket to target, under
// prefix, with the bucket policy S3's documentation recommends (the logging
// service principal, limited to the source bucket and account) rather than
// the legacy log-delivery ACL, which CDK would otherwise pick unless the
// app sets @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy.
func logAccess(bucket, target awss3.Bucket, prefix string) {
	bucket.Node().DefaultChild().(awss3.CfnBucket).SetLoggingConfiguration(&awss3.CfnBucket_LoggingConfigurationProperty{
		DestinationBucketName: target.BucketName(),
		LogFilePrefix:         jsii.String(prefix),
	})
	target.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("S3ServerAccessLogs"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("logging.s3.amazonaws.com"), nil)},
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  &[]*string{target.ArnForObjects(jsii.String(prefix + "*"))},
		Conditions: &map[string]any{
			"ArnLike":      map[string]any{"aws:SourceArn": bucket.BucketArn()},
			"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()},
		},
	}))
}

// allowTrailDelivery is CloudTrail's documented bucket policy, limited to
// this trail (aws:SourceArn).
func (c *Construct) allowTrailDelivery(bucket awss3.Bucket) {
	cloudtrail := &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)}
	fromTrail := map[string]any{"aws:SourceArn": c.names.trailARN()}
	bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudTrailAclCheck"),
		Principals: cloudtrail,
		Actions:    jsii.Strings("s3:GetBucketAcl"),
		Resources:  &[]*string{bucket.BucketArn()},
		Conditions: &map[string]any{"StringEquals": fromTrail},
	}))
	bucket.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CloudTrailWrite"),
		Principals: cloudtrail,
		Actions:    jsii.Strings("s3:PutObject"),
		Resources: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{
			bucket.BucketArn(), jsii.String("/AWSLogs/"), awscdk.Aws_ACCOUNT_ID(), jsii.String("/*"),
		})},
		Conditions: &map[string]any{"StringEquals": map[string]any{
			"aws:SourceArn": c.names.trailARN(),
			"s3:x-amz-acl":  "bucket-owner-full-control",
		}},
	}))
}

// trailKeyStatements are CloudTrail's documented key policy statements for
// an encrypted trail, limited to this trail: CloudTrail encrypts log files
// as itself; principals of this account (with an identity policy allowing
// it) decrypt them through S3 in this Region.
func (c *Construct) trailKeyStatements() []awsiam.PolicyStatement {
	trail := c.names.trailARN()
	return []awsiam.PolicyStatement{
		servicePolicy("CloudTrailEncryptLaunchDataEvents", "cloudtrail.amazonaws.com", []string{"kms:GenerateDataKey"}, map[string]any{
			"StringEquals": map[string]any{"aws:SourceArn": trail, "kms:EncryptionContext:aws:cloudtrail:arn": trail},
		}),
		servicePolicy("CloudTrailDescribeKey", "cloudtrail.amazonaws.com", []string{"kms:DescribeKey"}, map[string]any{
			"StringEquals": map[string]any{"aws:SourceArn": trail},
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("ReadLaunchDataEvents"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewAccountRootPrincipal()},
			Actions:    jsii.Strings("kms:Decrypt"),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{"StringEquals": map[string]any{
				"kms:EncryptionContext:aws:cloudtrail:arn": trail,
				"kms:ViaService": regional("s3"),
			}},
		}),
	}
}
