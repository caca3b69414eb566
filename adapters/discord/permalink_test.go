package discord_test

import (
	"testing"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

func TestPermalink(t *testing.T) {
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "x", Handler: newRecorder()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ community, channel, message, want string }{
		{"discord:100", "201", "300", "https://discord.com/channels/100/201/300"},
		{"slack:T1", "201", "300", ""},
		{"discord:100", "", "300", ""},
	}
	for _, tt := range tests {
		if got := a.Permalink(tt.community, tt.channel, tt.message); got != tt.want {
			t.Errorf("Permalink(%q, %q, %q) = %q, want %q", tt.community, tt.channel, tt.message, got, tt.want)
		}
	}
	var _ bot.Permalinker = a
}
