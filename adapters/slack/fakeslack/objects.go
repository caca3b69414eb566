package fakeslack

import "strings"

// How users and channels look in Slack's Web API answers.

// UserJSON renders u as Slack's user object.
func (s *Server) UserJSON(u User) map[string]any {
	display := u.DisplayName
	profile := map[string]any{
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            display,
		"display_name_normalized": display,
		"avatar_hash":             "g0000000000",
		"status_text":             "",
		"status_emoji":            "",
		"team":                    s.opts.TeamID,
	}
	if u.BotID != "" {
		profile["bot_id"] = u.BotID
	}
	tz := u.TZ
	if tz == "" {
		tz = "Europe/London"
	}
	m := map[string]any{
		"id":                  u.ID,
		"team_id":             s.opts.TeamID,
		"name":                u.Name,
		"deleted":             u.Deleted,
		"color":               "9f69e7",
		"real_name":           u.RealName,
		"tz":                  tz,
		"tz_label":            "Local time",
		"tz_offset":           0,
		"profile":             profile,
		"is_admin":            u.IsAdmin || u.IsOwner || u.IsPrimaryOwner,
		"is_owner":            u.IsOwner || u.IsPrimaryOwner,
		"is_primary_owner":    u.IsPrimaryOwner,
		"is_restricted":       u.IsRestricted,
		"is_ultra_restricted": false,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"updated":             1700000000,
	}
	if u.Deleted {
		// Slack omits most flags of deactivated users.
		delete(m, "is_admin")
		delete(m, "is_owner")
		delete(m, "is_primary_owner")
	}
	return m
}

func (s *Server) channelJSON(c *Channel) map[string]any {
	return map[string]any{
		"id":          c.ID,
		"name":        c.Name,
		"is_channel":  !c.IsPrivate,
		"is_group":    c.IsPrivate,
		"is_im":       false,
		"is_mpim":     false,
		"is_private":  c.IsPrivate,
		"is_archived": c.IsArchived,
		"is_member":   !c.NotMember,
		"created":     1600000000,
		"creator":     "U0000000",
		"topic":       map[string]any{"value": "", "creator": "", "last_set": 0},
		"purpose":     map[string]any{"value": "", "creator": "", "last_set": 0},
	}
}

func slug(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", "-"))
}
