package bot

import "time"

// Platform names a chat platform. Community IDs are prefixed with it.
type Platform string

// The platforms Hearth speaks.
const (
	Shell   Platform = "shell"
	Slack   Platform = "slack"
	Discord Platform = "discord"
)

// Community is one Slack workspace, one Discord guild, or the local shell.
// Its ID is "platform:platform-id" (for example "slack:T0123", "discord:81384788765712384",
// "shell:local"), so one database can hold communities from every platform.
type Community struct {
	ID       string
	Platform Platform
	Name     string
}

// CommunityID builds the ID of the community with the given platform identity.
func CommunityID(p Platform, platformID string) string { return string(p) + ":" + platformID }

// Member is a person (or a bot) known in a community. ID is the platform's
// user id; for the shell it is the name typed.
type Member struct {
	ID    string
	Name  string
	IsBot bool
	// TZ is an IANA zone name, or "" when the platform does not say.
	TZ string
	// Admin is true for platform owners and admins (Slack) or members with
	// the Manage Server permission (Discord): they are facilitators.
	Admin bool
	// JoinedAt is when the member joined, if the platform says; zero if not.
	JoinedAt time.Time
	// Left is true when the member has left or was deactivated.
	Left bool
}

// Channel is a place where members talk.
type Channel struct {
	ID   string
	Name string
}

// Directory is what an adapter learned about a community's members and
// channels, from a sync at start or from a profile-change event.
//
// When Complete is true, Members is the platform's whole member list: on the
// community's first complete sync, members whose join time is unknown are
// taken to have joined before Hearth started (they are never counted as new).
type Directory struct {
	Community Community
	Members   []Member
	Channels  []Channel
	Complete  bool
	// At is when the directory was read (the platform's time if it says, the
	// clock's otherwise). Members first seen here are first seen at At.
	At time.Time
}
