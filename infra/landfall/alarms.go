package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/internal/metrics"
)

// alarmPeriod is the evaluation window: long enough to ride out a single
// late datapoint, short enough that a failing account is reported while
// someone still remembers creating it.
const alarmPeriod = 5 // minutes

// alarmable is a metric or a math expression.
type alarmable interface {
	CreateAlarm(scope constructs.Construct, id *string, props *awscloudwatch.CreateAlarmOptions) awscloudwatch.Alarm
}

// newAlarms raises an alarm on the alarm topic for anything that needs a
// person: a message in any dead-letter queue, a function error or throttle,
// work waiting too long, and a run target that failed.
func (c *Construct) newAlarms() {
	period := awscdk.Duration_Minutes(jsii.Number(alarmPeriod))
	add := func(id, description string, metric alarmable, threshold float64) {
		alarm := metric.CreateAlarm(c.Construct, jsii.String(id), &awscloudwatch.CreateAlarmOptions{
			AlarmDescription:   jsii.String(description),
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			// No datapoints means nothing happened (no errors, empty queue).
			TreatMissingData: awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(c.AlarmTopic))
		c.Alarms = append(c.Alarms, alarm)
	}
	visible := func(q awssqs.Queue) awscloudwatch.Metric {
		return q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Maximum")})
	}
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}

	add("WorkDeadLetterAlarm",
		"Landfall: an account run failed 5 times and was moved to the work dead-letter queue. Read the message for the account, fix the cause, then run `landfall invoke` for the account (or redrive the queue, as a principal listed in landfall:redrivePrincipals).",
		visible(c.WorkDeadLetterQueue), 1)
	add("EventDeadLetterAlarm",
		"Landfall: EventBridge could not deliver a Control Tower account event or an Organizations account event (move, closure) to the launch function. The event is in the event dead-letter queue: run `landfall invoke` for its account.",
		visible(c.EventDeadLetterQueue), 1)
	add("LaunchFailureAlarm",
		"Landfall: the launch function failed on an event after Lambda's retries. The event and the error are in the launch failure queue: fix the cause, then run `landfall invoke` for its account.",
		visible(c.LaunchFailureQueue), 1)
	add("LaunchErrorsAlarm",
		"Landfall: the launch function returned errors. Lambda retries them; check its logs.",
		c.LaunchFunction.MetricErrors(sum), 1)
	add("WorkerErrorsAlarm",
		"Landfall: the worker function returned errors (not per-account failures, which go in the summary). Check its logs.",
		c.WorkerFunction.MetricErrors(sum), 1)
	add("LaunchThrottlesAlarm",
		"Landfall: the launch function was throttled: more events or requests arrived at once than its reserved concurrency (landfall:launchReservedConcurrency). Lambda retries throttled events for up to an hour; raise the setting if this repeats.",
		c.LaunchFunction.MetricThrottles(sum), 1)
	add("WorkerThrottlesAlarm",
		"Landfall: the worker function was throttled: the account's Lambda concurrency is below landfall:workerConcurrency.",
		c.WorkerFunction.MetricThrottles(sum), 1)
	add("WorkQueueAgeAlarm",
		"Landfall: the oldest account run message has waited an hour: workers are failing repeatedly or cannot keep up (raise landfall:workerConcurrency).",
		c.WorkQueue.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Maximum")}),
		OldestMessageAlarmSeconds)
	if c.ChatTopic != nil {
		add("ChatNotPublishedAlarm",
			"Landfall: a chat notification did not reach the chat topic; the summary topic has it. The function's log line `chat notification not published` says why: check the chat topic, its policy and the stack's KMS key.",
			c.chatFailures(period), 1)
	}
	add("FailedTargetsAlarm",
		"Landfall: a run finished with failed or timed-out targets. The run's summary names each account, region, product and error, with the payload that re-runs what failed; fix the cause, then send that payload with `landfall invoke`.",
		c.failedTargets(period), 1)
}

// chatFailures is the sum of both functions' ChatNotPublished metrics: a
// chat channel that stops hearing must page someone, though the summary
// topic has every message.
func (c *Construct) chatFailures(period awscdk.Duration) awscloudwatch.MathExpression {
	metric := func(fn awslambdaFunction) awscloudwatch.IMetric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(metrics.Namespace), MetricName: jsii.String(metrics.ChatNotPublished),
			DimensionsMap: &map[string]*string{metrics.DimFunction: fn.FunctionName()},
			Period:        period, Statistic: jsii.String("Sum"),
		})
	}
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String("launch + worker"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{"launch": metric(c.LaunchFunction), "worker": metric(c.WorkerFunction)},
		Label:        jsii.String("Chat notifications not published"),
		Period:       period,
	})
}

// awslambdaFunction is what chatFailures needs of a function.
type awslambdaFunction interface{ FunctionName() *string }

// failedTargets is the sum of the worker's FAILED and TIMED_OUT targets
// (its EMF metrics): both need a person; SKIPPED ones follow a failure.
func (c *Construct) failedTargets(period awscdk.Duration) awscloudwatch.MathExpression {
	metric := func(name string) awscloudwatch.IMetric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(metrics.Namespace), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{metrics.DimFunction: c.WorkerFunction.FunctionName()},
			Period:        period, Statistic: jsii.String("Sum"),
		})
	}
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String("failed + timedOut"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{"failed": metric(metrics.TargetsFailed), "timedOut": metric(metrics.TargetsTimedOut)},
		Label:        jsii.String("Failed or timed-out targets"),
		Period:       period,
	})
}
