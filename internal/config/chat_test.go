package config

import (
	"strings"
	"testing"
)

func TestChatTopic(t *testing.T) {
	const chat = "arn:aws:sns:us-east-1:111111111111:landfall-chat"
	tests := []struct {
		name, value string
		want        string // the ChatTopicARN loaded, when valid
		wantErr     string
	}{
		{name: "unset: no chat notifications", value: "", want: ""},
		{name: "a topic ARN", value: " " + chat + " ", want: chat},
		{name: "another partition", value: "arn:aws-us-gov:sns:us-gov-west-1:111111111111:chat", want: "arn:aws-us-gov:sns:us-gov-west-1:111111111111:chat"},
		{name: "a topic name", value: "landfall-chat", wantErr: `LANDFALL_CHAT_TOPIC_ARN: "landfall-chat" is not an SNS topic ARN`},
		{name: "an SQS queue ARN", value: "arn:aws:sqs:us-east-1:111111111111:landfall-chat", wantErr: "is not an SNS topic ARN"},
		{name: "a FIFO topic", value: chat + ".fifo", wantErr: "is not an SNS topic ARN"},
		{name: "the summary topic", value: "arn:aws:sns:us-east-1:111111111111:landfall-notifications", wantErr: "is the summary topic (LANDFALL_TOPIC_ARN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			m[EnvChatTopicARN] = tt.value
			c, err := Load(env(m))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.ChatTopicARN != tt.want {
				t.Errorf("ChatTopicARN = %q, %v; want %q", c.ChatTopicARN, err, tt.want)
			}
		})
	}
}
