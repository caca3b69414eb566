package fakeslack_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
)

// Slack's documented signing example.
func TestSignMatchesSlackDocs(t *testing.T) {
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := fakeslack.Sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, []byte(body))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

// The fake answers the real slack-go client.
func TestWebAPIWithSlackGo(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{MaxPageSize: 2})
	f.AddUser(fakeslack.User{ID: "U1", Name: "one"}, fakeslack.User{ID: "U2", Name: "two", Deleted: true})
	f.AddChannel(fakeslack.Channel{ID: "C1", Name: "general"}, fakeslack.Channel{ID: "C2", Name: "quiet", NotMember: true})
	api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
	ctx := context.Background()

	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.TeamID != fakeslack.DefaultTeamID || auth.UserID != fakeslack.DefaultBotUserID || auth.BotID != fakeslack.DefaultBotID {
		t.Fatalf("auth.test = %+v, %v", auth, err)
	}
	users, err := api.GetUsersContext(ctx)
	if err != nil || len(users) != 4 {
		t.Fatalf("users.list = %d users, %v", len(users), err)
	}
	if n := len(f.Calls("users.list")); n != 2 {
		t.Errorf("users.list pages = %d", n)
	}
	if _, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("post where not a member: %v", err)
	}
	f.RateLimit("chat.postMessage", 3*time.Second)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Errorf("rate limited post: %v", err)
	}
	f.Fail("chat.postMessage", "is_archived")
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err == nil || err.Error() != "is_archived" {
		t.Errorf("injected error: %v", err)
	}
	if _, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil || ts == "" {
		t.Errorf("post: %q %v", ts, err)
	}
	if posts := f.Posts(); len(posts) != 1 || posts[0].Text != "hi" {
		t.Errorf("posts = %+v", posts)
	}

	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(f.URL()))
	if _, err := bad.AuthTestContext(ctx); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	app := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()), slack.OptionAppLevelToken(fakeslack.DefaultAppToken))
	if _, url, err := app.StartSocketModeContext(ctx); err != nil || url == "" {
		t.Errorf("apps.connections.open: %q %v", url, err)
	}
}

// The fake refuses blocks Slack refuses: an action_id or a block_id used
// twice in a message, an initial value longer than its input.
func TestBlocksAreChecked(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{})
	f.AddChannel(fakeslack.Channel{ID: "C1", Name: "general"})
	api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
	ctx := context.Background()
	btn := func(id string) slack.BlockElement {
		return slack.NewButtonBlockElement(id, "v", slack.NewTextBlockObject(slack.PlainTextType, "B", false, false))
	}
	for name, blocks := range map[string][]slack.Block{
		"action_id": {slack.NewActionBlock("a", btn("x"), btn("x"))},
		"block_id":  {slack.NewActionBlock("a", btn("x")), slack.NewActionBlock("a", btn("y"))},
	} {
		if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(blocks...)); err == nil || err.Error() != "invalid_blocks" {
			t.Errorf("duplicate %s: %v", name, err)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(slack.NewActionBlock("a", btn("x")), slack.NewActionBlock("b", btn("y")))); err != nil {
		t.Errorf("distinct ids: %v", err)
	}

	for _, tc := range []struct {
		value string
		ok    bool
	}{{"ééé", true}, {"éééé", false}} {
		trigger := f.SlashCommand(fakeslack.SlashCommand{UserID: "U1", ChannelID: "C1", Text: "x"}).TriggerID
		el := slack.NewPlainTextInputBlockElement(nil, "a")
		el.MaxLength, el.InitialValue = 3, tc.value
		v := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "T", false, false),
			Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewInputBlock("a", slack.NewTextBlockObject(slack.PlainTextType, "A", false, false), nil, el)}}}
		if _, err := api.OpenViewContext(ctx, trigger, v); (err == nil) != tc.ok {
			t.Errorf("initial value %q in an input of 3: %v", tc.value, err)
		}
	}
}

// A held method answers only once released, and is recorded then.
func TestHoldAndRelease(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{})
	f.AddUser(fakeslack.User{ID: "U1", Name: "one"})
	api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
	release := f.Hold("users.info")
	defer release()
	answered := make(chan error, 1)
	go func() {
		_, err := api.GetUserInfoContext(context.Background(), "U1")
		answered <- err
	}()
	f.WaitHeld("users.info", 1)
	if _, err := api.AuthTestContext(context.Background()); err != nil { // other methods go on
		t.Fatal(err)
	}
	select {
	case err := <-answered:
		t.Fatalf("a held call was answered: %v", err)
	default:
	}
	if n := len(f.Calls("users.info")); n != 0 {
		t.Errorf("%d held calls recorded", n)
	}
	release()
	if err := <-answered; err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetUserInfoContext(context.Background(), "U1"); err != nil { // no longer held
		t.Fatal(err)
	}
	if n := len(f.Calls("users.info")); n != 2 {
		t.Errorf("%d users.info calls recorded, want 2", n)
	}
	release() // again: nothing happens
}
