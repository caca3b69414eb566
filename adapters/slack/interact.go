package slack

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// replyTarget is where the reply to a command or a click goes.
type replyTarget struct {
	responseURL string // Slack's response_url, "" when there is none
	triggerID   string // for opening a modal, valid 3 seconds
	channel     string // the conversation the person was in ("" if unknown)
	member      string
}

// startCommand runs a /hearth command after it was acknowledged.
func (a *Adapter) startCommand(cmd slack.SlashCommand) bool {
	return a.goWork("slash command", func(ctx context.Context) {
		at := a.clock.Now()
		u, _ := a.lookupUser(ctx, cmd.UserID)
		channel := cmd.ChannelID
		if isDM(channel) || cmd.ChannelName == "directmessage" {
			channel = ""
		}
		var channelName string
		if channel != "" {
			a.learnChannel(channel, cmd.ChannelName)
			channelName = a.channelName(ctx, channel)
		}
		c := bot.Command{
			Community:   a.communityID(),
			Channel:     channel,
			ChannelName: channelName,
			Member:      cmd.UserID,
			MemberName:  first(u.Name, cmd.UserName),
			Admin:       u.Admin,
			Text:        strings.TrimSpace(cmd.Text),
			At:          at,
		}
		verb, _, _ := strings.Cut(c.Text, " ")
		a.log.Info("slash command", "member", c.Member, "channel", cmd.ChannelID, "command", verb, "admin", c.Admin)
		reply := a.h.HandleCommand(ctx, c)
		a.deliver(ctx, replyTarget{responseURL: cmd.ResponseURL, triggerID: cmd.TriggerID, channel: cmd.ChannelID, member: cmd.UserID}, reply)
	})
}

// interaction handles an interactive payload and returns what to put in
// the acknowledgement (nil for an empty one). Only view submissions wait
// for the core: Slack shows field errors only from the ack.
func (a *Adapter) interaction(cb slack.InteractionCallback) any {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		a.blockActions(cb)
	case slack.InteractionTypeViewSubmission:
		return a.viewSubmission(cb)
	default:
		a.log.Debug("interaction ignored", "type", cb.Type)
	}
	return nil
}

// blockActions routes button clicks to the core.
func (a *Adapter) blockActions(cb slack.InteractionCallback) {
	channel := first(cb.Container.ChannelID, cb.Channel.ID)
	a.learnChannel(channel, cb.Channel.Name)
	msgTS := first(cb.Container.MessageTs, cb.Message.Timestamp)
	for _, act := range cb.ActionCallback.BlockActions {
		a.goWork("button click", func(ctx context.Context) {
			u, _ := a.lookupUser(ctx, cb.User.ID)
			at, ok := parseTS(act.ActionTs)
			if !ok {
				at = a.clock.Now()
			}
			postAt, _ := parseTS(msgTS)
			coreChannel := channel
			if isDM(coreChannel) {
				coreChannel = ""
			}
			action := bot.Action{
				Community:  a.communityID(),
				Channel:    coreChannel,
				Member:     cb.User.ID,
				MemberName: first(u.Name, cb.User.Name),
				Admin:      u.Admin,
				ActionID:   decodeActionID(act.ActionID),
				Value:      act.Value,
				Post:       bot.PostRef{Channel: channel, ID: msgTS, At: postAt},
				At:         at,
			}
			a.log.Info("button clicked", "member", action.Member, "channel", channel, "action", action.ActionID)
			reply := a.h.HandleAction(ctx, action)
			a.deliver(ctx, replyTarget{responseURL: cb.ResponseURL, triggerID: cb.TriggerID, channel: channel, member: cb.User.ID}, reply)
		})
	}
}

// viewSubmission passes a submitted modal to the core and answers Slack:
// field errors keep the modal open, a new form replaces it, anything else
// closes it and the reply is posted to the member.
func (a *Adapter) viewSubmission(cb slack.InteractionCallback) any {
	meta := decodeMeta(cb.View.PrivateMetadata)
	values := map[string]string{}
	if cb.View.State != nil {
		for blockID, acts := range cb.View.State.Values {
			for _, v := range acts {
				values[blockID] = v.Value
			}
		}
	}
	member := cb.User.ID
	target := replyTarget{channel: meta.Channel, member: member}
	replies := make(chan bot.Reply, 1)
	started := a.goWork("form submission", func(ctx context.Context) {
		u, _ := a.lookupUser(ctx, member)
		action := bot.Action{
			Community:  a.communityID(),
			Channel:    meta.Channel,
			Member:     member,
			MemberName: first(u.Name, cb.User.Name),
			Admin:      u.Admin,
			ActionID:   cb.View.CallbackID,
			Values:     values,
			Context:    meta.Context,
			At:         a.clock.Now(),
		}
		a.log.Info("form submitted", "member", member, "form", action.ActionID)
		replies <- a.h.HandleAction(ctx, action)
	})
	if !started {
		return nil
	}
	timer := time.NewTimer(AckBudget)
	defer timer.Stop()
	select {
	case r := <-replies:
		if len(r.FieldErrors) > 0 {
			return slack.NewErrorsViewSubmissionResponse(r.FieldErrors)
		}
		if r.Form != nil {
			if m, err := encodeMeta(formMeta{Channel: meta.Channel, Context: r.Form.Context}); err == nil {
				v := modal(r.Form, m)
				r.Form = nil
				a.goWork("form reply", func(ctx context.Context) { a.deliver(ctx, target, r) })
				return slack.NewUpdateViewSubmissionResponse(&v)
			}
		}
		a.goWork("form reply", func(ctx context.Context) { a.deliver(ctx, target, r) })
		return nil
	case <-timer.C:
		// Too slow for the ack: close the modal now, say the rest later.
		a.log.Warn("form submission took longer than Slack allows; replying after the ack", "form", cb.View.CallbackID)
		a.goWork("late form reply", func(ctx context.Context) {
			select {
			case r := <-replies:
				if len(r.FieldErrors) > 0 && r.Text == "" {
					var lines []string
					for field, msg := range r.FieldErrors {
						lines = append(lines, field+": "+msg)
					}
					r.Text = "Your form was not saved:\n• " + strings.Join(lines, "\n• ")
					r.Private = true
				}
				r.Form = nil
				a.deliver(ctx, target, r)
			case <-ctx.Done():
			}
		})
		return nil
	}
}

// deliver shows the core's reply to the person who asked: a modal when it
// carries a form, the text and buttons through response_url (ephemeral when
// private), falling back to chat.postEphemeral or a DM, and any image as a
// file.
func (a *Adapter) deliver(ctx context.Context, t replyTarget, r bot.Reply) {
	if r.Form != nil {
		if err := a.openForm(ctx, t, r.Form); err != nil {
			a.log.Warn("opening a form failed", "form", r.Form.ID, "member", t.member, "err", describe(err))
			if r.Text == "" {
				r.Text = "Sorry, I couldn't open the form (Slack allows only a few seconds). Please try again."
				r.Private = true
			}
		}
	}
	if r.Text != "" || len(r.Buttons) > 0 {
		post := bot.Post{Text: r.Text, Buttons: r.Buttons}
		sent := false
		if t.responseURL != "" {
			left, err := a.respond(ctx, t.responseURL, post, r.Private)
			if err != nil {
				a.log.Warn("response_url failed; posting instead", "member", t.member, "err", describe(err))
			} else {
				sent = true
			}
			if left != nil {
				// The reply was shortened: its full text follows as a file.
				if _, err := a.Post(ctx, fileDestination(a, t, r.Private), bot.Post{Image: left.file}); err != nil {
					a.log.Error("the full text of a shortened reply was not delivered", "member", t.member, "err", describe(err))
				}
			}
		}
		if !sent {
			if _, err := a.Post(ctx, replyDestination(t, r.Private), post); err != nil {
				a.log.Error("reply not delivered", "member", t.member, "channel", t.channel, "err", describe(err))
			}
		}
	}
	for _, f := range []*bot.File{r.Image, r.Attachment} {
		if f != nil && len(f.Data) > 0 {
			if _, err := a.Post(ctx, fileDestination(a, t, r.Private), bot.Post{Image: f}); err != nil {
				a.log.Error("file not delivered", "member", t.member, "file", f.Name, "err", describe(err))
			}
		}
	}
}

// fileDestination is where a file that goes with a reply is shared: in the
// channel, or in the member's DM when the reply was private.
func fileDestination(a *Adapter, t replyTarget, private bool) bot.Destination {
	if !private && t.channel != "" && !isDM(t.channel) {
		return bot.Destination{Kind: bot.ToChannel, Community: a.communityID(), Channel: t.channel}
	}
	return bot.Destination{Kind: bot.ToDM, Community: a.communityID(), Member: t.member}
}

// replyDestination is where a reply goes without a response_url.
func replyDestination(t replyTarget, private bool) bot.Destination {
	switch {
	case t.channel == "" || isDM(t.channel):
		return bot.Destination{Kind: bot.ToDM, Member: t.member}
	case private:
		return bot.Destination{Kind: bot.ToEphemeral, Channel: t.channel, Member: t.member}
	}
	return bot.Destination{Kind: bot.ToChannel, Channel: t.channel}
}

// respond posts to a response_url: ephemeral to the caller, or in the
// channel. When the message cannot carry all the text, it returns what was
// left out, for the caller to share as a file (a response_url takes no
// files). Slack answers a refused response_url post with a bare HTTP 400
// (slackapi/java-slack-sdk#1017), no code to act on: the caller posts
// instead, through the queue that retries a refusal for size shortened.
func (a *Adapter) respond(ctx context.Context, url string, p bot.Post, private bool) (*leftOut, error) {
	typ := slack.ResponseTypeInChannel
	where := whereAttached
	if private {
		typ = slack.ResponseTypeEphemeral
		where = whereDM
	}
	r := render(p, fullBudget, where)
	opts := []slack.MsgOption{slack.MsgOptionResponseURL(url, typ), slack.MsgOptionText(r.text, false)}
	if len(r.blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(r.blocks...))
	}
	if _, _, _, err := a.api.SendMessageContext(ctx, "", opts...); err != nil {
		return nil, err
	}
	a.logRender(r, p, "")
	return r.left, nil
}

// openForm opens a modal with the trigger of the command or click.
func (a *Adapter) openForm(ctx context.Context, t replyTarget, f *bot.Form) error {
	channel := t.channel
	if isDM(channel) {
		channel = ""
	}
	meta, err := encodeMeta(formMeta{Channel: channel, Context: f.Context})
	if err != nil {
		return err
	}
	if t.triggerID == "" {
		return errNoTrigger
	}
	_, err = a.api.OpenViewContext(ctx, t.triggerID, modal(f, meta))
	return err
}

type constError string

func (e constError) Error() string { return string(e) }

const errNoTrigger = constError("no trigger_id to open a form with")
