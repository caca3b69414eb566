package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/adapters/web"
)

// linkingSource is the rig's source on a platform that links to messages.
type linkingSource struct{ *web.BotSource }

func (linkingSource) Permalink(community, channel, message string) string {
	return "https://chat.example/" + url.PathEscape(channel) + "/" + url.PathEscape(message)
}

func TestChannelsLinkUnansweredThreads(t *testing.T) {
	r := newRig(t)
	r.activity()
	b := body(t, r.get(t, "/dashboard/channels?period=30d", "s1"))
	if !strings.Contains(b, "no link on this platform") || !strings.Contains(b, `data-channel="general"`) {
		t.Fatalf("channels without links:\n%s", b)
	}
	r.server = web.New(web.Config{Auth: r.auth, Source: linkingSource{web.NewSource(r.Bot, r.Store)}, Clock: r.Clock})
	b = body(t, r.get(t, "/dashboard/channels?period=30d", "s1"))
	if !strings.Contains(b, `<a href="https://chat.example/general/m1" rel="noopener noreferrer">Open in chat</a>`) {
		t.Fatalf("no link to an unanswered thread:\n%s", b)
	}
}
