package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// Post says something in Slack through the paced outbound queue and waits
// until Slack accepted it (or ctx ends). A post rate-limited by Slack is
// sent once, later. Slack's refusals (not_in_channel, is_archived,
// channel_not_found...) come back as *bot.Error with code bot.EPlatform and
// a message for the person who asked.
func (a *Adapter) Post(ctx context.Context, to bot.Destination, p bot.Post) (ref bot.PostRef, err error) {
	defer func() { a.obs.Posted(bot.Slack, to.Kind, bot.PostOutcome(err)) }()
	if err := checkDestination(to, p); err != nil {
		return bot.PostRef{}, err
	}
	j := &postJob{a: a, to: to, p: p}
	ref, err = a.out.submit(ctx, a.lane(to), j.run)
	if err != nil {
		if errors.Is(err, errStopped) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return ref, err
		}
		return ref, a.platformError(ctx, "post", err, to)
	}
	return ref, nil
}

// QueueStats reports the outbound queue's progress.
func (a *Adapter) QueueStats() QueueStats { return a.out.stats() }

func checkDestination(to bot.Destination, p bot.Post) error {
	if p.Text == "" && len(p.Buttons) == 0 && (p.Image == nil || len(p.Image.Data) == 0) && (p.Attachment == nil || len(p.Attachment.Data) == 0) {
		return errors.New("slack: empty post")
	}
	switch to.Kind {
	case bot.ToChannel:
		if to.Channel == "" {
			return errors.New("slack: post to a channel without a channel id")
		}
	case bot.ToThread:
		if to.Channel == "" || to.Thread == "" {
			return errors.New("slack: thread post without a channel or thread id")
		}
	case bot.ToDM:
		if to.Member == "" {
			return errors.New("slack: DM without a member id")
		}
	case bot.ToEphemeral:
		if to.Channel == "" || to.Member == "" {
			return errors.New("slack: ephemeral post without a channel or member id")
		}
	default:
		return fmt.Errorf("slack: unknown destination kind %d", to.Kind)
	}
	return nil
}

// lane is the pacing unit of a destination: its channel, or the member's DM.
func (a *Adapter) lane(to bot.Destination) string {
	if to.Kind == bot.ToDM {
		a.dir.mu.Lock()
		ch, ok := a.dir.dms[to.Member]
		a.dir.mu.Unlock()
		if ok {
			return ch
		}
		return "dm:" + to.Member
	}
	return to.Channel
}

// postJob sends one post in steps (open the DM, post the text, upload the
// full text when the message could not carry it, upload the image),
// remembering which succeeded so a retry after a 429 resumes.
type postJob struct {
	a        *Adapter
	to       bot.Destination
	p        bot.Post
	channel  string
	textDone bool
	// small is set once Slack refused the post for its size: it is
	// rendered within smallBudget from then on.
	small    bool
	left     *leftOut
	leftDone bool
	fileDone bool
	// attachDone: the list attachment (bot.Post.Attachment) is shared.
	attachDone bool
	ref        bot.PostRef
}

// Where the full text of a shortened post is, as its last line says.
const (
	whereAttached = "see the attached file"
	whereDM       = "I've sent you the full text as a file in a direct message"
)

// tooBig reports whether Slack refused a message for its size or shape.
func tooBig(err error) bool {
	switch slackCode(err) {
	case "msg_blocks_too_long", "msg_too_long", "invalid_blocks":
		return true
	}
	return false
}

// slackDetails returns the details Slack gave with a refusal
// (response_metadata.messages): which block broke which rule. They name
// json pointers and limits, never message text.
func slackDetails(err error) []string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.ResponseMetadata.Messages
	}
	return nil
}

// blockChars counts the text characters of blocks as Slack's
// msg_blocks_too_long does: every "text" in them.
func blockChars(blocks []slack.Block) int {
	n := 0
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil {
				n += chars(b.Text.Text)
			}
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.Text != nil {
					n += chars(btn.Text.Text)
				}
			}
		}
	}
	return n
}

// logRender says what a render left out: lines of text (in the attached
// file) or buttons beyond Slack's 50 blocks.
func (a *Adapter) logRender(r rendered, p bot.Post, channel string) {
	if r.left != nil {
		a.log.Warn("a post was too long for one Slack message; the lines left out are in the attached file",
			"channel", channel, "lines", strings.Count(p.Text, "\n")+1, "lines_left_out", r.left.lines,
			"chars_left_out", r.left.chars, "blocks", len(r.blocks), "block_chars", blockChars(r.blocks))
	}
	if r.longIDs > 0 {
		a.log.Warn("a post has buttons whose action id is longer than Slack takes; the ids are cut to 255 characters",
			"channel", channel, "buttons", r.longIDs)
	}
	if r.droppedButtons > 0 {
		a.log.Warn("a post has more rows of buttons than Slack shows; the rest are dropped",
			"channel", channel, "buttons", len(p.Buttons), "dropped", r.droppedButtons)
	}
}

func (j *postJob) run(ctx context.Context) (bot.PostRef, error) {
	a := j.a
	if j.channel == "" {
		if j.to.Kind == bot.ToDM {
			ch, err := a.openDM(ctx, j.to.Member)
			if err != nil {
				return bot.PostRef{}, err
			}
			j.channel = ch
		} else {
			j.channel = j.to.Channel
		}
	}
	if !j.textDone && (j.p.Text != "" || len(j.p.Buttons) > 0) {
		where := whereAttached
		if j.to.Kind == bot.ToEphemeral {
			where = whereDM
		}
		b := fullBudget
		if j.small {
			b = smallBudget
		}
		r := render(j.p, b, where)
		ts, err := j.send(ctx, r)
		if err != nil && !j.small && tooBig(err) {
			// Slack counts differently from us: never send nothing, send less.
			a.log.Warn("Slack refused a post for its size; sending it shortened, with the full text as a file",
				"code", slackCode(err), "details", slackDetails(err), "channel", j.channel,
				"blocks", len(r.blocks), "block_chars", blockChars(r.blocks))
			j.small = true
			r = render(j.p, smallBudget, where)
			ts, err = j.send(ctx, r)
		}
		if err != nil {
			return bot.PostRef{}, err
		}
		a.logRender(r, j.p, j.channel)
		j.textDone = true
		j.left = r.left
		at, ok := parseTS(ts)
		if !ok {
			at = a.clock.Now()
		}
		j.ref = bot.PostRef{Channel: j.channel, ID: ts, At: at}
		a.log.Debug("posted", "channel", j.channel, "ts", ts, "kind", j.to.Kind)
	}
	if j.left != nil && j.left.file != nil && !j.leftDone {
		if err := j.share(ctx, j.left.file, fullTextFile); err != nil {
			return bot.PostRef{}, err
		}
		j.leftDone = true
	}
	if img := j.p.Image; img != nil && len(img.Data) > 0 && !j.fileDone {
		if err := j.share(ctx, img, "chart.png"); err != nil {
			return bot.PostRef{}, err
		}
		j.fileDone = true
	}
	if doc := j.p.Attachment; doc != nil && len(doc.Data) > 0 && !j.attachDone {
		if err := j.share(ctx, doc, "hearth-list.md"); err != nil {
			return bot.PostRef{}, err
		}
		j.attachDone = true
	}
	return j.ref, nil
}

// send posts a rendered message where the job says.
func (j *postJob) send(ctx context.Context, r rendered) (string, error) {
	a := j.a
	opts := []slack.MsgOption{slack.MsgOptionText(r.text, false), slack.MsgOptionDisableLinkUnfurl()}
	if len(r.blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(r.blocks...))
	}
	var ts string
	var err error
	switch j.to.Kind {
	case bot.ToEphemeral:
		ts, err = a.api.PostEphemeralContext(ctx, j.channel, j.to.Member, opts...)
	case bot.ToThread:
		opts = append(opts, slack.MsgOptionTS(j.to.Thread))
		_, ts, err = a.api.PostMessageContext(ctx, j.channel, opts...)
	default:
		_, ts, err = a.api.PostMessageContext(ctx, j.channel, opts...)
	}
	return ts, err
}

// share uploads f where the post went: in its thread, or privately (files
// cannot be ephemeral) in the member's DM.
func (j *postJob) share(ctx context.Context, f *bot.File, name string) error {
	a := j.a
	ch := j.channel
	if j.to.Kind == bot.ToEphemeral {
		dm, err := a.openDM(ctx, j.to.Member)
		if err != nil {
			return err
		}
		ch = dm
	}
	params := slack.UploadFileParameters{
		Reader:   bytes.NewReader(f.Data),
		Filename: first(f.Name, name),
		FileSize: len(f.Data),
		Title:    first(f.Name, name),
		Channel:  ch,
	}
	if j.to.Kind == bot.ToThread {
		params.ThreadTimestamp = j.to.Thread
	}
	up, err := a.api.UploadFileContext(ctx, params)
	if err != nil {
		return err
	}
	if j.ref.ID == "" {
		j.ref = bot.PostRef{Channel: ch, ID: up.ID, At: a.clock.Now()}
	}
	a.log.Debug("file shared", "channel", ch, "file", up.ID)
	return nil
}
