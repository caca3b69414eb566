package meetings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// eventHeld refuses attendance for an event that was cancelled or has not
// started by at.
func eventHeld(e CommunityEvent, at time.Time) error {
	switch {
	case e.Cancelled():
		return bot.Errorf(bot.EConflict, "Event #%d was cancelled.", e.ID)
	case at.Before(e.Start):
		return bot.Errorf(bot.EConflict, "Event #%d has not started yet: attendance is for after it starts.", e.ID)
	}
	return nil
}

// markAttended marks a member there and records it as participation, once.
func (b *Meetings) markAttended(ctx context.Context, e CommunityEvent, member, name string, at time.Time) (bool, error) {
	added, err := b.store.MarkAttended(ctx, e.Community, e.ID, member, at)
	if err != nil {
		return false, err
	}
	err = b.core.HandleEvent(ctx, bot.Event{Kind: bot.KindAttended, Community: e.Community, Channel: e.Channel, Member: member, MemberName: name,
		At: at, Key: fmt.Sprintf("attended:%d:%s", e.ID, member)})
	return added, err
}

func (b *Meetings) actEventRSVP(ctx context.Context, a bot.Action) (bot.Reply, error) {
	idText, choiceText, _ := strings.Cut(a.Value, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	choice := RSVPChoice(choiceText)
	if err != nil || (choice != RSVPGoing && choice != RSVPMaybe && choice != RSVPNotGoing) {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't belong to an event I know.")
	}
	e, err := b.store.CommunityEvent(ctx, a.Community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.Reply{}, bot.Errorf(bot.ENotFound, "That event no longer exists.")
	}
	if err != nil {
		return bot.Reply{}, err
	}
	switch {
	case e.Cancelled():
		return bot.Reply{}, bot.Errorf(bot.EConflict, "**%s** was cancelled.", e.Title)
	case !a.At.Before(e.End):
		return bot.Reply{}, bot.Errorf(bot.EConflict, "**%s** has taken place already.", e.Title)
	}
	if err := b.store.SetRSVP(ctx, a.Community, RSVP{Event: e.ID, Member: a.Member, Choice: choice, At: a.At}); err != nil {
		return bot.Reply{}, err
	}
	if err := b.core.HandleEvent(ctx, bot.Event{Kind: bot.KindRSVP, Community: a.Community, Channel: e.Channel, Member: a.Member, MemberName: a.MemberName,
		At: a.At, Key: fmt.Sprintf("rsvp:%d:%s", e.ID, a.Member)}); err != nil {
		return bot.Reply{}, err
	}
	switch choice {
	case RSVPGoing:
		return bot.PrivateText("You're going to **%s** (%s). I'll remind you a day and an hour before.", e.Title, b.eventWhen(e)), nil
	case RSVPMaybe:
		return bot.PrivateText("Noted: maybe for **%s**. Reminders go to those going; you can change your answer any time.", e.Title), nil
	}
	return bot.PrivateText("Noted: you're not going to **%s**. Thanks for saying so.", e.Title), nil
}

func (b *Meetings) actEventAttended(ctx context.Context, a bot.Action) (bot.Reply, error) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't belong to an event I know.")
	}
	e, err := b.store.CommunityEvent(ctx, a.Community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.Reply{}, bot.Errorf(bot.ENotFound, "That event no longer exists.")
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if err := eventHeld(e, a.At); err != nil {
		return bot.Reply{}, err
	}
	added, err := b.markAttended(ctx, e, a.Member, a.MemberName, a.At)
	if err != nil {
		return bot.Reply{}, err
	}
	if !added {
		return bot.PrivateText("You're marked as there already. Thank you!"), nil
	}
	return bot.PrivateText("Thank you! You're marked as there for **%s**.", e.Title), nil
}
