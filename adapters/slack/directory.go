package slack

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// slackbotID is Slackbot's user id. users.list returns it as a person
// (is_bot false); Hearth does not count it as a member.
const slackbotID = "USLACKBOT"

// missTTL is how long a failed users.info or conversations.info lookup is
// not retried.
const missTTL = 10 * time.Minute

// dirTTL is how long the directory trusts what it learned of a member or a
// channel. Several Hearths may serve one workspace, and Slack gives each
// event (a user_change, a command from a renamed channel) to one of them:
// the others learn of a new name, or of an admin who is one no more, when
// their entry expires and they ask Slack again. So a change reaches every
// instance within dirTTL, and a facilitator's rights follow a demotion
// within it.
const dirTTL = 10 * time.Minute

// directory caches what Hearth knows of members and channels: names, the
// bot flag and the admin/owner flags that make facilitators. What makes
// each map correct when another instance sees a change first:
//   - users and channels expire after dirTTL (see there); an expired entry
//     is still used while Slack is asked again, off the event loop for
//     events, before answering for commands and clicks (whose admin flag
//     grants rights);
//   - userMiss and chanMiss only space out lookups that failed: they hold
//     no data;
//   - dms never goes stale: the DM channel between the app and a member
//     keeps its id (conversations.open returns the same one every time,
//     on every instance).
type directory struct {
	mu       sync.Mutex
	users    map[string]userEntry
	userMiss map[string]time.Time
	channels map[string]channelEntry // by id
	chanMiss map[string]time.Time
	dms      map[string]string // member id → DM channel id
}

// userEntry is a member as Slack described them at at.
type userEntry struct {
	m  bot.Member
	at time.Time
}

// channelEntry is a channel's name as Slack gave it at at.
type channelEntry struct {
	name string
	at   time.Time
}

func newDirectory() *directory {
	return &directory{
		users:    map[string]userEntry{},
		userMiss: map[string]time.Time{},
		channels: map[string]channelEntry{},
		chanMiss: map[string]time.Time{},
		dms:      map[string]string{},
	}
}

// toMember converts a Slack user. Slackbot counts as a bot.
func toMember(u slack.User) bot.Member {
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Profile.RealName
	}
	if name == "" {
		name = u.Name
	}
	return bot.Member{
		ID:    u.ID,
		Name:  name,
		IsBot: u.IsBot || u.ID == slackbotID,
		TZ:    u.TZ,
		Admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner,
		Left:  u.Deleted,
	}
}

// isMember says whether a users.list entry is a member of the community:
// deactivated users and Slackbot are not. Bots are listed, flagged IsBot.
func isMember(u slack.User) bool { return !u.Deleted && u.ID != slackbotID }

// remember caches u and returns it as a member.
func (a *Adapter) remember(u slack.User) bot.Member {
	m := toMember(u)
	a.dir.mu.Lock()
	a.dir.users[m.ID] = userEntry{m: m, at: a.clock.Now()}
	delete(a.dir.userMiss, m.ID)
	a.dir.mu.Unlock()
	return m
}

// cachedUser returns what Hearth knows of a user without asking Slack, and
// whether Slack is worth asking: about an unseen user or one learned of
// dirTTL ago or more, unless users.info failed for them less than missTTL
// ago.
func (a *Adapter) cachedUser(id string) (m bot.Member, known, ask bool) {
	a.dir.mu.Lock()
	defer a.dir.mu.Unlock()
	now := a.clock.Now()
	e, known := a.dir.users[id]
	if known && now.Before(e.at.Add(dirTTL)) {
		return e.m, true, false
	}
	if !known {
		e.m = bot.Member{ID: id}
	}
	missed, wasMissed := a.dir.userMiss[id]
	return e.m, known, !wasMissed || !now.Before(missed.Add(missTTL))
}

// lookupUser returns what Hearth knows of a user, asking users.info first
// for anyone unseen or expired (and telling the core about them); when
// Slack does not answer, an expired entry is what there is.
func (a *Adapter) lookupUser(ctx context.Context, id string) (bot.Member, bool) {
	if id == "" {
		return bot.Member{}, false
	}
	m, known, ask := a.cachedUser(id)
	if !ask {
		return m, known
	}
	if fresh, ok := a.askUser(ctx, id); ok {
		return fresh, true
	}
	return m, known
}

// askUser asks users.info about id, caches the answer and tells the core
// about the member.
func (a *Adapter) askUser(ctx context.Context, id string) (bot.Member, bool) {
	u, err := a.api.GetUserInfoContext(ctx, id, slack.GetUserInfoOptionIncludeLocale(false))
	if err != nil {
		a.dir.mu.Lock()
		a.dir.userMiss[id] = a.clock.Now()
		a.dir.mu.Unlock()
		a.log.Warn("users.info failed", "member", id, "err", describe(err))
		return bot.Member{ID: id}, false
	}
	m := a.remember(*u)
	if u.ID != slackbotID {
		a.saveMembers(ctx, a.clock.Now(), m)
	}
	return m, true
}

// maxLookups bounds the users.info calls in flight for unseen authors.
const maxLookups = 4

// lookups asks Slack about the unseen authors of events off the event loop,
// at most maxLookups at a time and each id once while it is pending, so a
// slow users.info holds up no event. The event loop owns it: add starts
// workers with the loop's context, and the loop waits for them before it
// returns. A worker exits when the queue is empty or the context is done.
type lookups struct {
	ask func(ctx context.Context, id string)

	mu      sync.Mutex
	queue   []string
	pending map[string]bool // queued or being asked about
	workers int
	wg      sync.WaitGroup
}

func newLookups(ask func(ctx context.Context, id string)) *lookups {
	return &lookups{ask: ask, pending: map[string]bool{}}
}

// add queues id unless it is pending already, and starts a worker if fewer
// than maxLookups run. Only the owner calls it.
func (l *lookups) add(ctx context.Context, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id == "" || l.pending[id] {
		return
	}
	l.pending[id] = true
	l.queue = append(l.queue, id)
	if l.workers >= maxLookups {
		return
	}
	l.workers++
	l.wg.Add(1)
	go l.work(ctx)
}

func (l *lookups) work(ctx context.Context) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		if len(l.queue) == 0 || ctx.Err() != nil {
			for _, id := range l.queue {
				delete(l.pending, id) // stopping: the next start's sync reads everyone
			}
			l.queue = nil
			l.workers--
			l.mu.Unlock()
			return
		}
		id := l.queue[0]
		l.queue = l.queue[1:]
		l.mu.Unlock()
		l.ask(ctx, id)
		l.mu.Lock()
		delete(l.pending, id)
		l.mu.Unlock()
	}
}

// wait returns when every worker has exited. Only the owner calls it.
func (l *lookups) wait() { l.wg.Wait() }

// saveMembers tells the core about changed members (a partial directory).
func (a *Adapter) saveMembers(ctx context.Context, at time.Time, ms ...bot.Member) {
	d := bot.Directory{Community: a.community(), Members: ms, At: at}
	if err := a.h.HandleDirectory(ctx, d); err != nil {
		a.log.Error("saving members failed", "community", d.Community.ID, "members", len(ms), "err", err)
	}
}

// syncMembers reads the whole workspace with users.list, page by page
// within its rate tier, and gives the core a complete directory.
func (a *Adapter) syncMembers(ctx context.Context) error {
	start := a.clock.Now()
	p := a.api.GetUsersPaginated(slack.GetUsersOptionLimit(a.pageSize), slack.GetUsersOptionIncludeLocale(false))
	var members []bot.Member
	pages, seen := 0, 0
	for {
		next, err := p.Next(ctx)
		if err != nil {
			if p.Done(err) {
				break
			}
			var rl *slack.RateLimitedError
			if errors.As(err, &rl) {
				a.log.Warn("users.list rate limited; waiting", "retry_after", rl.RetryAfter)
				if err := a.sleep(ctx, max(rl.RetryAfter, time.Second)); err != nil {
					return err
				}
				continue
			}
			if len(members) > 0 && ctx.Err() == nil {
				// Keep what was read; the next start completes it.
				a.saveMembers(ctx, a.clock.Now(), members...)
			}
			return err
		}
		pages++
		for _, u := range next.Users {
			seen++
			m := a.remember(u)
			if isMember(u) {
				members = append(members, m)
			}
		}
		p = next
		if next.Cursor == "" {
			break
		}
		if err := a.sleep(ctx, a.pageWait); err != nil {
			return err
		}
	}
	d := bot.Directory{Community: a.community(), Members: members, Complete: true, At: a.clock.Now()}
	if err := a.h.HandleDirectory(ctx, d); err != nil {
		return err
	}
	a.log.Info("members synced", "community", d.Community.ID, "members", len(members), "users", seen,
		"pages", pages, "took", a.clock.Now().Sub(start))
	return nil
}

// learnChannel remembers a channel's name from a payload.
func (a *Adapter) learnChannel(id, name string) {
	if id == "" || name == "" || name == "privategroup" || name == "directmessage" {
		return
	}
	a.dir.mu.Lock()
	a.dir.channels[id] = channelEntry{name: name, at: a.clock.Now()}
	a.dir.mu.Unlock()
}

// channelName returns a channel's name, asking conversations.info for an
// unseen one or one learned dirTTL ago or more. It returns "" when Slack
// won't say about an unseen one, the name it had for an expired one.
func (a *Adapter) channelName(ctx context.Context, id string) string {
	if id == "" || isDM(id) {
		return ""
	}
	now := a.clock.Now()
	a.dir.mu.Lock()
	e, ok := a.dir.channels[id]
	missed, wasMissed := a.dir.chanMiss[id]
	a.dir.mu.Unlock()
	if ok && now.Before(e.at.Add(dirTTL)) {
		return e.name
	}
	if wasMissed && now.Before(missed.Add(missTTL)) {
		return e.name
	}
	ch, err := a.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil || ch.Name == "" {
		a.dir.mu.Lock()
		a.dir.chanMiss[id] = a.clock.Now()
		a.dir.mu.Unlock()
		if err != nil {
			a.log.Debug("conversations.info failed", "channel", id, "err", describe(err))
		}
		return e.name
	}
	a.learnChannel(id, ch.Name)
	return ch.Name
}

// openDM returns the DM channel with member, opening it once.
func (a *Adapter) openDM(ctx context.Context, member string) (string, error) {
	a.dir.mu.Lock()
	ch, ok := a.dir.dms[member]
	a.dir.mu.Unlock()
	if ok {
		return ch, nil
	}
	c, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{member}})
	if err != nil {
		return "", err
	}
	if c == nil || c.ID == "" {
		return "", errors.New("conversations.open returned no channel")
	}
	a.dir.mu.Lock()
	a.dir.dms[member] = c.ID
	a.dir.mu.Unlock()
	return c.ID, nil
}

// isDM says whether a conversation id is a direct message.
func isDM(id string) bool { return len(id) > 0 && id[0] == 'D' }
