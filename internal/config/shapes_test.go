package config

import (
	"regexp"
	"strings"
	"testing"

	"github.com/landfall/landfall/internal/awsid"
)

// The hand-written checks accept exactly what the regexps they replace accept.
func TestShapesMatchTheRegexps(t *testing.T) {
	cases := []struct {
		re     string
		match  func(string) bool
		inputs []string
	}{
		{`^https?://\S+/[0-9]{12}/[A-Za-z0-9_-]{1,80}$`, isQueueURL, []string{
			"https://sqs.us-east-1.amazonaws.com/111111111111/landfall-work",
			"http://localhost:4566/111111111111/q", "https:///111111111111/q", "https://h//111111111111/q",
			"https://a/b/c/111111111111/q", "https://h/11111111111/q", "https://h/111111111111/", "https://h/111111111111/q.fifo",
			"https://h/111111111111/" + strings.Repeat("q", 80), "https://h/111111111111/" + strings.Repeat("q", 81),
			"https://h x/111111111111/q", "https://h\t/111111111111/q", "https://hé/111111111111/q", "https://h\xff/111111111111/q",
			"ftp://h/111111111111/q", "https://h/111111111111/q\n", "https:/h/111111111111/q", "", "https://111111111111/q",
		}},
		{`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`, topicARNShape.MatchString, []string{
			"arn:aws:sns:us-east-1:111111111111:landfall-notifications", "arn:aws-us-gov:sns:us-gov-west-1:111111111111:t",
			"arn:aws:sns::111111111111:t", "arn:aws:sns:r:11111111111:t", "arn:aws:sns:r:111111111111:", "arn:aws:sqs:r:111111111111:t",
			"arn:aws:sns:r:111111111111:" + strings.Repeat("t", 256), "arn:aws:sns:r:111111111111:" + strings.Repeat("t", 257),
			"arn:aws:sns:r:111111111111:t.fifo", "arn:awsX:sns:r:111111111111:t",
		}},
		{`^[\w+=,.@-]{1,64}$`, awsid.IsRoleName, []string{
			"", "AWSControlTowerExecution", "a b", "path/role", strings.Repeat("r", 64), strings.Repeat("r", 65), "rôle", "+=,.@-_",
		}},
	}
	for _, c := range cases {
		re := regexp.MustCompile(c.re)
		for _, in := range c.inputs {
			if got, want := c.match(in), re.MatchString(in); got != want {
				t.Errorf("%s on %q: %v, regexp %v", c.re, in, got, want)
			}
		}
	}
}
