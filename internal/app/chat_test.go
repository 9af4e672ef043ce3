package app_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/landfall/landfall/internal/app"
	"github.com/landfall/landfall/internal/app/launchfn"
	"github.com/landfall/landfall/internal/app/workerfn"
	"github.com/landfall/landfall/internal/config"
	"github.com/landfall/landfall/internal/notify"
)

// TestBothFunctionsPublishToTheChatTopic follows LANDFALL_CHAT_TOPIC_ARN
// from the environment into each function's notifier, with the function's
// logger for the chat failures it reports; without it, neither has one.
func TestBothFunctionsPublishToTheChatTopic(t *testing.T) {
	const chat = "arn:aws:sns:us-east-1:111111111111:landfall-chat"
	for _, want := range []string{chat, ""} {
		setEnv(t, "../plan/example.yaml")
		t.Setenv(config.EnvChatTopicARN, want)
		d, err := app.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.DiscardHandler)
		o := app.Options{Logger: log}
		for name, n := range map[string]any{
			"launch": launchfn.New(d.AWS, d.Config, d.Plan, o).Notifier,
			"worker": workerfn.New(d.AWS, d.Config, d.Plan, o).Notifier,
		} {
			got, ok := n.(*notify.Notifier)
			if !ok {
				t.Fatalf("%s notifier is %T", name, n)
			}
			if got.ChatTopicARN != want || got.TopicARN != d.Config.TopicARN || got.Logger != log {
				t.Errorf("%s notifier: chat %q (want %q), summary %q, logger set %v", name, got.ChatTopicARN, want, got.TopicARN, got.Logger == log)
			}
		}
	}
}
