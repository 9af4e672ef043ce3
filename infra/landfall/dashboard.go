package landfall

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/landfall/landfall/internal/metrics"
)

// dashboardPeriod is each graph's datapoint: the alarms' period.
const dashboardPeriod = alarmPeriod // minutes

// newDashboard adds the CloudWatch dashboard: runs and their outcomes,
// targets by final status, how long runs take, the work queue, the
// dead-letter queues and what the runs waited for. The Landfall metrics
// are the functions' EMF lines (internal/metrics), named by the same
// constants. They reach CloudWatch only while the functions log at info or
// below, so a quieter log level is flagged at synth.
func (c *Construct) newDashboard(props Props) {
	if level := strings.ToLower(props.LogLevel); level == "warn" || level == "error" {
		awscdk.Annotations_Of(c.Construct).AddWarningV2(jsii.String("landfall:metricsNeedInfoLogs"), jsii.String(fmt.Sprintf(
			"LogLevel %q drops the functions' metric lines (logged at info): the dashboard's Landfall graphs stay empty and the failed-targets alarm cannot fire. Use info or debug.", props.LogLevel)))
	}
	worker, launch := c.WorkerFunction, c.LaunchFunction
	graph := func(title string, left ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(title), Left: &left, Width: jsii.Number(8), Height: jsii.Number(6),
		})
	}
	c.Dashboard = awscloudwatch.NewDashboard(c.Construct, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DefaultInterval: awscdk.Duration_Days(jsii.Number(7)),
		Widgets: &[]*[]awscloudwatch.IWidget{
			{
				graph("Runs by outcome", byOutcome(metrics.Runs, worker)),
				graph("Targets by final status", targetMetrics(worker)...),
				graph("Failed targets",
					landfallMetric(metrics.TargetsFailed, worker, "Sum", "failed"),
					landfallMetric(metrics.TargetsTimedOut, worker, "Sum", "timed out"),
					landfallMetric(metrics.TargetsSkipped, worker, "Sum", "skipped")),
			},
			{
				awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
					Title: jsii.String("Run time, start to summary (seconds), and steps per run"),
					Left: &[]awscloudwatch.IMetric{
						landfallMetric(metrics.RunDuration, worker, "p50", "p50 seconds"),
						landfallMetric(metrics.RunDuration, worker, "p90", "p90 seconds"),
					},
					Right:  &[]awscloudwatch.IMetric{landfallMetric(metrics.RunSteps, worker, "Average", "steps per run (average)")},
					Width:  jsii.Number(8),
					Height: jsii.Number(6),
				}),
				graph("Work queue depth", queueDepth(c.WorkQueue)...),
				graph("Work queue: age of oldest message (seconds)",
					c.WorkQueue.MetricApproximateAgeOfOldestMessage(stat("Maximum", "oldest message"))),
			},
			{
				graph("Dead letters",
					deadLetters(c.WorkDeadLetterQueue, "work runs"),
					deadLetters(c.EventDeadLetterQueue, "account events"),
					deadLetters(c.LaunchFailureQueue, "launch failures")),
				graph("Waits and throttles",
					landfallMetric(metrics.TargetWaits, worker, "Sum", "target waits (propagation)"),
					landfallMetric(metrics.RoleWaits, worker, "Sum", "role waits (new account)"),
					landfallMetric(metrics.ThrottlesAbsorbed, worker, "Sum", "worker throttle retries"),
					landfallMetric(metrics.ThrottlesAbsorbed, launch, "Sum", "launch throttle retries")),
				graph("Launch invocations by outcome, and runs queued",
					byOutcome(metrics.LaunchInvocations, launch),
					landfallMetric(metrics.RunsQueued, launch, "Sum", "runs queued")),
			},
		},
	})
}

func stat(statistic, label string) *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)), Statistic: jsii.String(statistic), Label: jsii.String(label),
	}
}

// landfallMetric is one of the functions' EMF metrics under its
// FunctionName dimension alone.
func landfallMetric(name string, fn awslambda.Function, statistic, label string) awscloudwatch.Metric {
	o := stat(statistic, label)
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String(metrics.Namespace), MetricName: jsii.String(name),
		DimensionsMap: &map[string]*string{metrics.DimFunction: fn.FunctionName()},
		Period:        o.Period, Statistic: o.Statistic, Label: o.Label,
	})
}

// byOutcome graphs name for every Outcome value that occurs: a search, so
// the dashboard needs no list of outcomes that could drift from the code.
func byOutcome(name string, fn awslambda.Function) awscloudwatch.IMetric {
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String(fmt.Sprintf(`SEARCH('{%s,%s,%s} MetricName="%s" %s="`, metrics.Namespace, metrics.DimFunction, metrics.DimOutcome, name, metrics.DimFunction)),
			fn.FunctionName(),
			jsii.String(fmt.Sprintf(`"', 'Sum', %d)`, dashboardPeriod*60)),
		}),
		Label:  jsii.String(""),
		Period: awscdk.Duration_Minutes(jsii.Number(dashboardPeriod)),
	})
}

// targetMetrics graphs the six final statuses, from the list the run line uses.
func targetMetrics(worker awslambda.Function) []awscloudwatch.IMetric {
	var out []awscloudwatch.IMetric
	for _, name := range metrics.TargetMetrics() {
		out = append(out, landfallMetric(name, worker, "Sum", strings.TrimPrefix(name, "Targets")))
	}
	return out
}

// queueDepth is every message of the work queue: runs waiting to be
// picked up, runs a worker is on, and continuations delayed until their
// next look (most of a busy queue).
func queueDepth(q awssqs.Queue) []awscloudwatch.IMetric {
	return []awscloudwatch.IMetric{
		q.MetricApproximateNumberOfMessagesVisible(stat("Maximum", "visible")),
		q.MetricApproximateNumberOfMessagesNotVisible(stat("Maximum", "in flight")),
		q.Metric(jsii.String("ApproximateNumberOfMessagesDelayed"), stat("Maximum", "delayed")),
	}
}

func deadLetters(q awssqs.Queue, label string) awscloudwatch.IMetric {
	return q.MetricApproximateNumberOfMessagesVisible(stat("Maximum", label))
}
