package bot

import "context"

// ForgetMember erases a member (for /hearth forget me and `hearth forget`):
// first what each feature must erase itself, then everything the store
// keeps. It returns ErrNotFound for an unknown member.
func (b *Bot) ForgetMember(ctx context.Context, community, member string) error {
	for _, m := range b.modules {
		if f, ok := m.(MemberForgetter); ok {
			if err := f.ForgetMember(ctx, community, member); err != nil {
				return err
			}
		}
	}
	if err := b.store.ForgetMember(ctx, community, member); err != nil {
		return err
	}
	b.log.InfoContext(ctx, "member forgotten", "community", community)
	return nil
}

// CheckinAnswered tells every AnswerListener of answers just saved.
func (b *Bot) CheckinAnswered(ctx context.Context, a CheckinAnswers) error {
	for _, m := range b.modules {
		if l, ok := m.(AnswerListener); ok {
			if err := l.CheckinAnswered(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}
