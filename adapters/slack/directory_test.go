package slack

import (
	"strconv"
	"testing"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// TestDirectorySeesChangesOtherInstancesHeard: Slack tells one instance of
// several about a change (user_change, a command in a renamed channel); the
// others must not go on with what they knew. Here the change reaches Slack
// and no event reaches this instance: within dirTTL it keeps what it knew;
// after it, a command carries the member's new name and lost admin flag,
// the core hears of the member again, and an event carries the channel's
// new name.
func TestDirectorySeesChangesOtherInstancesHeard(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	stamp := strconv.FormatInt(epoch.Unix(), 10)
	f.PushEvent(fakeslack.Message(design.ID, ada.ID, stamp+".000001"))
	h.rec.waitEvents(1)
	demoted := ada
	demoted.IsAdmin, demoted.DisplayName = false, "Ada L."
	f.AddUser(demoted)
	renamed := design
	renamed.Name = "design-crit"
	f.AddChannel(renamed)

	f.PushEvent(fakeslack.Message(design.ID, ada.ID, stamp+".000002"))
	if e := h.rec.waitEvents(2)[1]; e.MemberName != "Ada" || e.ChannelName != "design" {
		t.Errorf("within dirTTL: %q in %q; want what the directory knew", e.MemberName, e.ChannelName)
	}
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	if c := h.rec.waitCommands(1)[0]; !c.Admin {
		t.Errorf("within dirTTL the command lost the admin flag already: %+v", c)
	}

	h.clock.Advance(dirTTL)
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	if c := h.rec.waitCommands(2)[1]; c.Admin || c.MemberName != "Ada L." {
		t.Errorf("after dirTTL: command as %q, admin %v; want Ada L., no admin", c.MemberName, c.Admin)
	}
	h.rec.waitDirs(func(d bot.Directory) bool {
		return !d.Complete && len(d.Members) == 1 && d.Members[0].Name == "Ada L." && !d.Members[0].Admin
	})
	f.PushEvent(fakeslack.Message(design.ID, ada.ID, stamp+".000003"))
	if e := h.rec.waitEvents(3)[2]; e.MemberName != "Ada L." || e.ChannelName != "design-crit" {
		t.Errorf("after dirTTL: %q in %q; want Ada L. in design-crit", e.MemberName, e.ChannelName)
	}
}
