package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// Post says something in Slack through the paced outbound queue and waits
// until Slack accepted it (or ctx ends). A post rate-limited by Slack is
// sent once, later. Slack's refusals (not_in_channel, is_archived,
// channel_not_found...) come back as *bot.Error with code bot.EPlatform and
// a message for the person who asked.
func (a *Adapter) Post(ctx context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	if err := checkDestination(to, p); err != nil {
		return bot.PostRef{}, err
	}
	j := &postJob{a: a, to: to, p: p}
	ref, err := a.out.submit(ctx, a.lane(to), j.run)
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
	if p.Text == "" && len(p.Buttons) == 0 && (p.Image == nil || len(p.Image.Data) == 0) {
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
// image), remembering which succeeded so a retry after a 429 resumes.
type postJob struct {
	a        *Adapter
	to       bot.Destination
	p        bot.Post
	channel  string
	textDone bool
	fileDone bool
	ref      bot.PostRef
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
		text, blocks := render(j.p, a.log)
		opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionDisableLinkUnfurl()}
		if len(blocks) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(blocks...))
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
		if err != nil {
			return bot.PostRef{}, err
		}
		j.textDone = true
		at, ok := parseTS(ts)
		if !ok {
			at = a.clock.Now()
		}
		j.ref = bot.PostRef{Channel: j.channel, ID: ts, At: at}
		a.log.Debug("posted", "channel", j.channel, "ts", ts, "kind", j.to.Kind)
	}
	if img := j.p.Image; img != nil && len(img.Data) > 0 && !j.fileDone {
		ch := j.channel
		if j.to.Kind == bot.ToEphemeral { // files cannot be ephemeral: send it privately
			dm, err := a.openDM(ctx, j.to.Member)
			if err != nil {
				return bot.PostRef{}, err
			}
			ch = dm
		}
		params := slack.UploadFileParameters{
			Reader:   bytes.NewReader(img.Data),
			Filename: first(img.Name, "chart.png"),
			FileSize: len(img.Data),
			Title:    first(img.Name, "chart.png"),
			Channel:  ch,
		}
		if j.to.Kind == bot.ToThread {
			params.ThreadTimestamp = j.to.Thread
		}
		f, err := a.api.UploadFileContext(ctx, params)
		if err != nil {
			return bot.PostRef{}, err
		}
		j.fileDone = true
		if j.ref.ID == "" {
			j.ref = bot.PostRef{Channel: ch, ID: f.ID, At: a.clock.Now()}
		}
		a.log.Debug("file shared", "channel", ch, "file", f.ID)
	}
	return j.ref, nil
}
