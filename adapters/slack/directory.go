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

// directory caches what Hearth knows of members and channels: names, the
// bot flag and the admin/owner flags that make facilitators.
type directory struct {
	mu       sync.Mutex
	users    map[string]bot.Member
	userMiss map[string]time.Time
	channels map[string]string // id → name
	chanMiss map[string]time.Time
	dms      map[string]string // member id → DM channel id
}

func newDirectory() *directory {
	return &directory{
		users:    map[string]bot.Member{},
		userMiss: map[string]time.Time{},
		channels: map[string]string{},
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
	a.dir.users[m.ID] = m
	delete(a.dir.userMiss, m.ID)
	a.dir.mu.Unlock()
	return m
}

// cachedUser returns what Hearth knows of a user without asking Slack, and
// whether Slack is worth asking: not about a known user, nor about one
// whose users.info failed less than missTTL ago.
func (a *Adapter) cachedUser(id string) (m bot.Member, known, ask bool) {
	a.dir.mu.Lock()
	defer a.dir.mu.Unlock()
	if m, ok := a.dir.users[id]; ok {
		return m, true, false
	}
	missed, wasMissed := a.dir.userMiss[id]
	return bot.Member{ID: id}, false, !wasMissed || !a.clock.Now().Before(missed.Add(missTTL))
}

// lookupUser returns what Hearth knows of a user, asking users.info for
// anyone unseen (and telling the core about them).
func (a *Adapter) lookupUser(ctx context.Context, id string) (bot.Member, bool) {
	if id == "" {
		return bot.Member{}, false
	}
	m, known, ask := a.cachedUser(id)
	if known || !ask {
		return m, known
	}
	return a.askUser(ctx, id)
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
	a.dir.channels[id] = name
	a.dir.mu.Unlock()
}

// channelName returns a channel's name, asking conversations.info for an
// unseen one. It returns "" when Slack won't say.
func (a *Adapter) channelName(ctx context.Context, id string) string {
	if id == "" || isDM(id) {
		return ""
	}
	a.dir.mu.Lock()
	name, ok := a.dir.channels[id]
	missed, wasMissed := a.dir.chanMiss[id]
	a.dir.mu.Unlock()
	if ok {
		return name
	}
	if wasMissed && a.clock.Now().Before(missed.Add(missTTL)) {
		return ""
	}
	ch, err := a.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil || ch.Name == "" {
		a.dir.mu.Lock()
		a.dir.chanMiss[id] = a.clock.Now()
		a.dir.mu.Unlock()
		if err != nil {
			a.log.Debug("conversations.info failed", "channel", id, "err", describe(err))
		}
		return ""
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
