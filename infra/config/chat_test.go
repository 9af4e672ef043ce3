package config

import (
	"strings"
	"testing"
)

func TestLoadChat(t *testing.T) {
	tests := []struct {
		name    string
		value   any // nil: not set
		want    bool
		wantErr string
	}{
		{name: "off by default", value: nil},
		{name: "cdk.json boolean", value: true, want: true},
		{name: "command-line string", value: " true ", want: true},
		{name: "command-line false", value: "false"},
		{name: "a quoted word", value: "yes", wantErr: `landfall:chat: got "yes": want true or false (unquoted in cdk.json)`},
		{name: "a list", value: []any{"slack"}, wantErr: `landfall:chat: got list [slack]: want true or false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]any{KeyHomeRegion: "us-east-1"}
			if tt.value != nil {
				values[KeyChat] = tt.value
			}
			got, err := Load(contextOf(values), envOf(nil))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Chat != tt.want {
				t.Errorf("Chat = %v, %v; want %v", got.Chat, err, tt.want)
			}
		})
	}
}
