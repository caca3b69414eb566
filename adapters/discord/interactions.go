package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// responder sends an interaction's first response, which must come within
// three seconds: over REST for gateway interactions, in the HTTP response
// for the interactions endpoint. Everything after goes through the
// interaction's webhook.
type responder interface {
	initial(ctx context.Context, resp *discordgo.InteractionResponse) error
	// filesOK reports whether the first response may carry a file.
	filesOK() bool
}

type gatewayResponder struct {
	a *Adapter
	i *discordgo.Interaction
}

func (g *gatewayResponder) initial(ctx context.Context, resp *discordgo.InteractionResponse) error {
	return g.a.s.InteractionRespond(g.i, resp, discordgo.WithContext(ctx))
}

func (g *gatewayResponder) filesOK() bool { return true }

type httpResponder struct {
	ch chan *discordgo.InteractionResponse
}

func (h *httpResponder) initial(_ context.Context, resp *discordgo.InteractionResponse) error {
	select {
	case h.ch <- resp:
		return nil
	default:
		return errors.New("interaction already answered")
	}
}

func (h *httpResponder) filesOK() bool { return false }

// respond sends the first response, retrying a 429 or a transient failure
// (build makes the response afresh for each attempt: files are readers).
func (a *Adapter) respond(ctx context.Context, r responder, build func() *discordgo.InteractionResponse) error {
	_, err := withRetry(ctx, a, "answer an interaction", func() (struct{}, error) {
		return struct{}{}, r.initial(ctx, build())
	})
	return err
}

// startInteraction answers an interaction on a goroutine of its own, so the
// gateway keeps reading while the core works.
func (a *Adapter) startInteraction(i *discordgo.Interaction, raw json.RawMessage, r responder) {
	if !a.seen.add(i.ID) {
		return // a replayed INTERACTION_CREATE: answered already
	}
	a.work.add()
	go func() {
		defer a.work.done()
		defer a.recoverPanic("interaction")
		a.handleInteraction(a.baseCtx(), i, raw, r)
	}()
}

// caller is who interacted, and where.
type caller struct {
	community, channel, channelName string
	member, memberName              string
	admin                           bool
}

func (a *Adapter) callerOf(i *discordgo.Interaction) (caller, bool) {
	var c caller
	u := i.User
	if i.Member != nil {
		u = i.Member.User
		c.admin = i.Member.Permissions&adminPermissions != 0
		c.memberName = displayName(i.Member, u)
	}
	if u == nil {
		return c, false
	}
	c.member = u.ID
	if c.memberName == "" {
		c.memberName = displayName(nil, u)
	}
	guild := i.GuildID
	if guild == "" {
		guild = a.dmGuild()
	} else {
		c.channel = i.ChannelID
		if ci, ok := a.state.channel(i.ChannelID); ok {
			c.channelName = ci.Name
			if ci.isThread() && ci.ParentID != "" {
				c.channel = ci.ParentID
				if p, ok := a.state.channel(ci.ParentID); ok {
					c.channelName = p.Name
				}
			}
		}
	}
	if guild == "" {
		return c, false
	}
	c.community = communityID(guild)
	return c, true
}

func (a *Adapter) handleInteraction(ctx context.Context, i *discordgo.Interaction, raw json.RawMessage, r responder) {
	log := a.log.With("interaction", i.ID, "type", i.Type.String())
	who, ok := a.callerOf(i)
	if !ok && i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		log.WarnContext(ctx, "interaction without a member or a known guild")
		a.sendNow(ctx, i, r, bot.Reply{Post: bot.Post{Text: "Hearth works inside a server it has joined."}, Private: true}, false)
		return
	}
	at := snowflakeTime(i.ID)
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
		text, err := a.cmds.text(data)
		if err != nil {
			log.WarnContext(ctx, "command not understood; is the registered /hearth out of date?", "err", err)
			a.sendNow(ctx, i, r, bot.Reply{Post: bot.Post{Text: "I don't know that command. Try `/hearth help`."}, Private: true}, false)
			return
		}
		cmd := bot.Command{Community: who.community, Channel: who.channel, ChannelName: who.channelName,
			Member: who.member, MemberName: who.memberName, Admin: who.admin, Text: text, At: at}
		a.answer(ctx, i, r, true, nil, func(ctx context.Context) bot.Reply { return a.h.HandleCommand(ctx, cmd) })

	case discordgo.InteractionMessageComponent:
		data, _ := i.Data.(discordgo.MessageComponentInteractionData)
		st, ok := a.ids.decode(data.CustomID)
		switch {
		case !ok:
			a.sendNow(ctx, i, r, bot.Reply{Post: bot.Post{Text: "That button has expired. Run the command again."}, Private: true}, false)
		case st.kind == 'r' && st.form != nil:
			modal := a.modal(*st.form, st.values)
			if err := a.respond(ctx, r, func() *discordgo.InteractionResponse { return modal }); err != nil {
				log.ErrorContext(ctx, "opening a form failed", "err", err)
			}
		case st.kind == 'b':
			act := bot.Action{Community: who.community, Channel: who.channel, Member: who.member, MemberName: who.memberName,
				Admin: who.admin, ActionID: st.actionID, Value: st.value, At: at}
			if i.Message != nil {
				act.Post = bot.PostRef{Channel: i.ChannelID, ID: i.Message.ID, At: snowflakeTime(i.Message.ID)}
			}
			a.answer(ctx, i, r, true, nil, func(ctx context.Context) bot.Reply { return a.h.HandleAction(ctx, act) })
		default:
			a.sendNow(ctx, i, r, bot.Reply{Post: bot.Post{Text: "That button has expired. Run the command again."}, Private: true}, false)
		}

	case discordgo.InteractionModalSubmit:
		data, _ := i.Data.(discordgo.ModalSubmitInteractionData)
		st, ok := a.ids.decode(data.CustomID)
		if !ok || st.kind != 'f' {
			a.sendNow(ctx, i, r, bot.Reply{Post: bot.Post{Text: "That form has expired. Run the command again."}, Private: true}, false)
			return
		}
		values := modalValues(raw)
		act := bot.Action{Community: who.community, Channel: who.channel, Member: who.member, MemberName: who.memberName,
			Admin: who.admin, ActionID: st.actionID, Values: values, Context: st.value, At: at}
		sub := &submission{form: st.form, values: values}
		a.answer(ctx, i, r, false, sub, func(ctx context.Context) bot.Reply { return a.h.HandleAction(ctx, act) })

	case discordgo.InteractionApplicationCommandAutocomplete:
		_ = r.initial(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}})
	}
}

// submission is the form a reply answers, for showing field errors.
type submission struct {
	form   *bot.Form
	values map[string]string
}

// answer runs work (the core) and answers with its reply if it comes within
// DeferAfter; otherwise it acknowledges with a deferred ephemeral response
// and edits that response when the reply comes.
func (a *Adapter) answer(ctx context.Context, i *discordgo.Interaction, r responder, modalOK bool, sub *submission, work func(context.Context) bot.Reply) {
	done := make(chan bot.Reply, 1)
	a.work.add()
	go func() {
		defer a.work.done()
		reply := bot.Reply{Post: bot.Post{Text: bot.Apology}, Private: true, Code: bot.EInternal}
		defer func() { done <- reply }() // the apology, if work panicked
		defer a.recoverPanic("interaction work")
		reply = work(ctx)
	}()
	timer := time.NewTimer(a.cfg.DeferAfter)
	defer timer.Stop()
	select {
	case reply := <-done:
		a.sendNow(ctx, i, r, a.withFieldErrors(reply, sub), modalOK)
		return
	case <-timer.C:
	case <-ctx.Done():
		return
	}
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	if err := a.respond(ctx, r, func() *discordgo.InteractionResponse { return deferred }); err != nil {
		a.log.ErrorContext(ctx, "deferring an interaction failed", "interaction", i.ID, "err", err)
		return
	}
	select {
	case reply := <-done:
		a.sendLate(ctx, i, a.withFieldErrors(reply, sub))
	case <-ctx.Done():
	}
}

// withFieldErrors turns a submission's field errors into text and a button
// that reopens the form with what was typed: a Discord modal cannot stay
// open to show errors.
func (a *Adapter) withFieldErrors(reply bot.Reply, sub *submission) bot.Reply {
	if len(reply.FieldErrors) == 0 {
		return reply
	}
	labels := map[string]string{}
	if sub != nil && sub.form != nil {
		for _, f := range sub.form.Fields {
			labels[f.ID] = f.Label
		}
	}
	ids := make([]string, 0, len(reply.FieldErrors))
	for id := range reply.FieldErrors {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var sb strings.Builder
	if reply.Text != "" {
		sb.WriteString(reply.Text + "\n")
	} else {
		sb.WriteString("Please fix this and send the form again:\n")
	}
	for _, id := range ids {
		fmt.Fprintf(&sb, "• **%s**: %s\n", orDefault(labels[id], id), reply.FieldErrors[id])
	}
	reply.Text = strings.TrimRight(sb.String(), "\n")
	reply.Private = true
	reply.FieldErrors = nil
	if sub != nil && sub.form != nil {
		reopen := bot.Button{ActionID: reopenAction, Label: "Fix and send again", Style: bot.StylePrimary, Value: a.ids.reopen(*sub.form, sub.values)}
		reply.Buttons = append([]bot.Button{reopen}, reply.Buttons...)
	}
	return reply
}

// reopenAction marks the button withFieldErrors adds; its Value is the
// custom id that reopens the form.
const reopenAction = "\x00reopen"

// replyMessages renders a reply. A form that cannot open now (it came
// late, or answers a submission) becomes a button that opens it.
func (a *Adapter) replyMessages(reply bot.Reply) []message {
	p := reply.Post
	var extra []discordgo.MessageComponent
	if reply.Form != nil {
		if p.Text == "" {
			p.Text = "Hearth needs a few details."
		}
		extra = append(extra, discordgo.Button{Label: clip(orDefault(reply.Form.Title, "Open the form"), maxLabel),
			Style: discordgo.PrimaryButton, CustomID: a.ids.reopen(*reply.Form, nil)})
	}
	var reopen []discordgo.MessageComponent
	var rest []bot.Button
	for _, b := range p.Buttons {
		if b.ActionID == reopenAction {
			reopen = append(reopen, discordgo.Button{Label: b.Label, Style: discordgo.PrimaryButton, CustomID: b.Value})
			continue
		}
		rest = append(rest, b)
	}
	p.Buttons = rest
	msgs := a.render(p)
	if len(reopen)+len(extra) > 0 {
		last := &msgs[len(msgs)-1]
		last.components = append([]discordgo.MessageComponent{discordgo.ActionsRow{Components: append(reopen, extra...)}}, last.components...)
		if len(last.components) > maxRows {
			a.log.Warn("a reply has more rows of buttons than Discord shows; the last are dropped", "rows", len(last.components))
			last.components = last.components[:maxRows]
		}
	}
	return msgs
}

func flagsOf(private bool) discordgo.MessageFlags {
	if private {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// sendNow answers with the reply as the first response: a modal when the
// reply opens a form (and a modal may open), a message otherwise.
func (a *Adapter) sendNow(ctx context.Context, i *discordgo.Interaction, r responder, reply bot.Reply, modalOK bool) {
	if reply.Form != nil && modalOK {
		modal := a.modal(*reply.Form, nil)
		if err := a.respond(ctx, r, func() *discordgo.InteractionResponse { return modal }); err != nil {
			a.log.ErrorContext(ctx, "opening a form failed", "interaction", i.ID, "err", err)
		}
		return
	}
	msgs := a.replyMessages(reply)
	if msgs[0].hasFiles() && !r.filesOK() {
		// The HTTP response cannot carry a file: acknowledge, then edit.
		err := a.respond(ctx, r, func() *discordgo.InteractionResponse {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Flags: flagsOf(reply.Private)}}
		})
		if err != nil {
			a.log.ErrorContext(ctx, "deferring an interaction failed", "interaction", i.ID, "err", err)
			return
		}
		reply.Form = nil
		a.sendLate(ctx, i, reply)
		return
	}
	err := a.orShortened(ctx, "answer an interaction", msgs[0], func(first message) error {
		return a.respond(ctx, r, func() *discordgo.InteractionResponse {
			return &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content:         first.content,
					Components:      first.components,
					Files:           first.files(),
					Flags:           flagsOf(reply.Private),
					AllowedMentions: noMentions(),
				},
			}
		})
	})
	if err != nil {
		a.log.ErrorContext(ctx, "answering an interaction failed", "interaction", i.ID, "err", err)
		return
	}
	a.followUps(ctx, i, msgs[1:], reply.Private)
}

// sendLate edits the deferred (ephemeral) response with the reply. A
// reply meant for everyone stays visible to the caller only: Discord keeps
// a deferred response's visibility.
func (a *Adapter) sendLate(ctx context.Context, i *discordgo.Interaction, reply bot.Reply) {
	msgs := a.replyMessages(reply)
	err := a.orShortened(ctx, "edit an interaction response", msgs[0], func(first message) error {
		content, comps := first.content, first.components
		if comps == nil {
			comps = []discordgo.MessageComponent{}
		}
		_, err := withRetry(ctx, a, "edit an interaction response", func() (*discordgo.Message, error) {
			return a.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
				Content: &content, Components: &comps, Files: first.files(), AllowedMentions: noMentions(),
			}, discordgo.WithContext(ctx))
		})
		return err
	})
	if err != nil {
		a.log.ErrorContext(ctx, "editing an interaction response failed", "interaction", i.ID, "err", err)
		return
	}
	a.followUps(ctx, i, msgs[1:], true)
}

func (a *Adapter) followUps(ctx context.Context, i *discordgo.Interaction, msgs []message, private bool) {
	for _, m := range msgs {
		err := a.orShortened(ctx, "send a follow-up", m, func(m message) error {
			_, err := withRetry(ctx, a, "send a follow-up", func() (*discordgo.Message, error) {
				return a.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
					Content: m.content, Components: m.components, Files: m.files(), Flags: flagsOf(private), AllowedMentions: noMentions(),
				}, discordgo.WithContext(ctx))
			})
			return err
		})
		if err != nil {
			a.log.ErrorContext(ctx, "sending a follow-up failed", "interaction", i.ID, "err", err)
			return
		}
	}
}

// HTTPHandler serves Discord's optional HTTP interactions endpoint (the
// "Interactions Endpoint URL" of the application): requests are verified
// with the application's Ed25519 public key (Config.PublicKey); any that
// fail get 401. cmd/hearth mounts it at /discord/interactions.
func (a *Adapter) HTTPHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if a.pubKey == nil {
			a.log.Warn("interaction request refused: DISCORD_PUBLIC_KEY is not set")
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if !discordgo.VerifyInteraction(r, a.pubKey) {
			a.log.Warn("interaction request refused: bad signature", "remote", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(raw, &i); err != nil || i.ID == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if i.Type == discordgo.InteractionPing {
			writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
			return
		}
		if id := i.AppID; id != "" && a.applicationID() == "" {
			a.appID.CompareAndSwap(nil, &id)
		}
		resp := &httpResponder{ch: make(chan *discordgo.InteractionResponse, 1)}
		a.startInteraction(&i, raw, resp)
		select {
		case out := <-resp.ch:
			writeJSON(w, out)
		case <-r.Context().Done():
		}
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
