package checkins

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// closeRun closes a run at at and sends its results where its survey
// says. Closing a closed run does nothing (closed is false).
// It returns where the results went.
func (b *Checkins) closeRun(ctx context.Context, community string, id int64, at time.Time) (r CheckinRun, where string, closed bool, err error) {
	if r, err = b.store.CheckinRun(ctx, community, id); err != nil {
		return r, "", false, err
	}
	if closed, err = b.store.CloseRun(ctx, id, at); err != nil || !closed {
		return r, "", false, err
	}
	r.ClosedAt, r.Salt = at, nil
	b.log.InfoContext(ctx, "check-in closed", "community", community, "run", id, "survey", r.Survey.Name)
	if err := b.removeRunSchedules(ctx, community, id); err != nil {
		return r, "", true, err
	}
	post, err := b.resultsPost(ctx, r, true)
	if err != nil {
		return r, "", true, err
	}
	where, err = b.sendResults(ctx, r, post)
	return r, where, true, err
}

// removeRunSchedules drops a run's pending reminder and close.
func (b *Checkins) removeRunSchedules(ctx context.Context, community string, id int64) error {
	all, err := b.store.Schedules(ctx, community)
	if err != nil {
		return err
	}
	payload := strconv.FormatInt(id, 10)
	for _, s := range all {
		if (s.Kind == ScheduleCheckinRemind || s.Kind == ScheduleCheckinClose) && s.Payload == payload {
			if err := b.store.RemoveSchedule(ctx, community, s.ID); err != nil && !errors.Is(err, bot.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

// sendResults posts a closed run's results: to its channel when the survey
// says so, else to the facilitators (the digest channel, or a DM to
// whoever started the run or its schedule).
func (b *Checkins) sendResults(ctx context.Context, r CheckinRun, post bot.Post) (string, error) {
	chat, err := b.core.Chat(r.Community)
	if err != nil {
		return "", err
	}
	to := bot.Destination{Kind: bot.ToChannel, Community: r.Community, Channel: r.Channel}
	if r.Survey.Settings.ResultsTo != "channel" || r.Channel == "" {
		if to.Channel, err = b.store.Setting(ctx, r.Community, bot.SettingDigestChannel); err != nil {
			return "", err
		}
		if to.Channel == "" {
			to = bot.Destination{Kind: bot.ToDM, Community: r.Community, Member: b.runOwner(ctx, r)}
			if to.Member == "" {
				b.log.WarnContext(ctx, "check-in results have nowhere to go; set a digest channel", "community", r.Community, "run", r.ID)
				return "nowhere (set a digest channel with `/hearth digest channel`)", nil
			}
		}
	}
	if _, err := chat.Post(ctx, to, post); err != nil {
		// The run is closed already: its results are owed. Give them to
		// whoever started it (or its schedule), saying where they could
		// not go; `/hearth checkin results` shows them again any time.
		owner := b.runOwner(ctx, r)
		b.log.ErrorContext(ctx, "check-in results not posted; sending them to the run's owner", "community", r.Community, "run", r.ID, "err", err)
		if owner == "" || (to.Kind == bot.ToDM && to.Member == owner) {
			return "", fmt.Errorf("post results of run %d: %w", r.ID, err)
		}
		reason := "the platform refused the post"
		if bot.ErrorCode(err) != bot.EInternal {
			reason = bot.ErrorMessage(err)
		}
		post.Text = "_These results could not be posted where they go (" + reason + "), so here they are._\n" + post.Text
		if _, err2 := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: r.Community, Member: owner}, post); err2 != nil {
			return "", fmt.Errorf("post results of run %d: %w (and to its owner: %v)", r.ID, err, err2)
		}
		return "a DM to " + b.core.MemberName(ctx, r.Community, owner) + ", as the post failed", nil
	}
	if to.Kind == bot.ToDM {
		return "a DM to " + b.core.MemberName(ctx, r.Community, to.Member), nil
	}
	return "#" + b.core.ChannelName(ctx, r.Community, to.Channel), nil
}

// runOwner is the member who started a run, or created its schedule.
func (b *Checkins) runOwner(ctx context.Context, r CheckinRun) string {
	if r.StartedBy != "" || r.Schedule == 0 {
		return r.StartedBy
	}
	if s, err := b.store.Schedule(ctx, r.Community, r.Schedule); err == nil {
		return s.CreatedBy
	}
	return ""
}

// runResults computes a run's results, and those of the survey's previous
// closed run for the trend (nil when there is none).
func (b *Checkins) runResults(ctx context.Context, r CheckinRun) (SurveyResults, *SurveyResults, error) {
	return RunResultsWithPrevious(ctx, b.store, r)
}

func (b *Checkins) resultsOf(ctx context.Context, r CheckinRun) (SurveyResults, error) {
	return RunResults(ctx, b.store, r)
}

// resultsPost renders a run's results, with the chart of its first scale
// question's mean across the survey's runs where the platform takes files.
func (b *Checkins) resultsPost(ctx context.Context, r CheckinRun, final bool) (bot.Post, error) {
	res, prev, err := b.runResults(ctx, r)
	if err != nil {
		return bot.Post{}, err
	}
	text, omitted := FormatResultsShort(r.Survey, res, prev, ChatTexts)
	files := b.core.Capabilities(r.Community).Files
	var attachment *bot.File
	if omitted > 0 {
		// Every written answer, whole, in a file where the platform takes
		// files; else the offline export has them.
		if files {
			name := fmt.Sprintf("hearth-%s-%d-answers.md", r.Survey.Name, r.ID)
			attachment = &bot.File{Name: name, ContentType: "text/markdown", Data: []byte(ResultsMarkdown(r.Survey, res))}
			text += "\n_Every written answer, whole, is in " + name + "._"
		} else {
			text += fmt.Sprintf("\n_Every written answer is in `hearth checkins --survey %s --run %d`._", r.Survey.Name, r.ID)
		}
	}
	if !final && r.ClosedAt.IsZero() {
		text += fmt.Sprintf("\n_Still open until %s: these are interim results._", bot.WhenIn(r.ClosesAt, b.loc))
	}
	post := bot.Post{Text: text, Attachment: attachment}
	tc, ok := b.charter.(bot.TrendCharter)
	if !ok || !files {
		return post, nil
	}
	points, unit, err := b.scaleTrend(ctx, r)
	if err != nil || len(points) < 2 {
		return post, err
	}
	png, err := tc.TrendChart(r.Survey.Title+": "+unit, "mean", points)
	if err != nil {
		b.log.ErrorContext(ctx, "check-in chart", "community", r.Community, "run", r.ID, "err", err)
		return post, nil
	}
	post.Image = &bot.File{Name: fmt.Sprintf("hearth-%s-%d.png", r.Survey.Name, r.ID), ContentType: "image/png", Data: png}
	return post, nil
}

// scaleTrend is the mean of the survey's first scale question over its
// latest closed runs up to r, oldest first; unit is the question's prompt.
func (b *Checkins) scaleTrend(ctx context.Context, r CheckinRun) ([]bot.TrendPoint, string, error) {
	var q Question
	for _, x := range r.Survey.Questions {
		if x.Kind == QuestionScale {
			q = x
			break
		}
	}
	if q.ID == "" {
		return nil, "", nil
	}
	runs, err := b.store.CheckinRuns(ctx, r.Community, RunQuery{Survey: r.Survey.Name, Closed: true})
	if err != nil {
		return nil, "", err
	}
	var points []bot.TrendPoint
	for _, p := range runs {
		if len(points) == MaxTrendRuns {
			break
		}
		if p.OpenedAt.After(r.OpenedAt) {
			continue
		}
		res, err := b.resultsOf(ctx, p)
		if err != nil {
			return nil, "", err
		}
		for _, qr := range res.Questions {
			if qr.ID == q.ID && qr.Mean != nil {
				points = append(points, bot.TrendPoint{At: p.OpenedAt, Label: fmt.Sprintf("#%d %s", p.ID, p.OpenedAt.In(b.loc).Format("Jan 2")), Value: *qr.Mean})
			}
		}
	}
	for i, j := 0, len(points)-1; i < j; i, j = i+1, j-1 {
		points[i], points[j] = points[j], points[i]
	}
	return points, bot.Clip(q.Prompt, 60), nil
}
