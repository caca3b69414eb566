package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// ackWait bounds how long an acknowledgement may wait to be queued.
const ackWait = 2 * time.Second

// runSocket receives from Slack over Socket Mode until ctx is done.
// slack-go reconnects on "disconnect" messages and dropped sockets; Slack
// redelivers envelopes that were not acknowledged, and the core dedupes
// them by Event.Key.
func (a *Adapter) runSocket(ctx context.Context) error {
	api := slack.New(a.cfg.BotToken,
		slack.OptionAPIURL(a.apiURL),
		slack.OptionHTTPClient(a.httpc),
		slack.OptionAppLevelToken(a.cfg.AppToken))
	sm := socketmode.New(api, socketmode.OptionLog(quietLogger{}))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()

	var link socketLink
	for {
		select {
		case <-ctx.Done():
			<-runErr
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return a.appTokenError(err)
		case evt := <-sm.Events:
			if err := a.onSocketEvent(ctx, sm, evt, &link); err != nil {
				cancel()
				<-runErr
				return err
			}
		}
	}
}

// appTokenError explains why Socket Mode could not start.
func (a *Adapter) appTokenError(err error) error {
	code := slackCode(err)
	if code == "" && err != nil {
		code = err.Error()
	}
	if isAuthCode(code) {
		a.log.Error("Slack refused SLACK_APP_TOKEN", "code", code)
		return fmt.Errorf("SLACK_APP_TOKEN was refused by Slack (%s): create an app-level token with the connections:write scope under Basic Information → App-Level Tokens, and turn Socket Mode on", code)
	}
	var sce slack.StatusCodeError
	if errors.As(err, &sce) && sce.Code == 404 {
		return fmt.Errorf("slack: Socket Mode is not available at %s (HTTP 404): check SLACK_API_URL and that Socket Mode is on for the app", a.apiURL)
	}
	return fmt.Errorf("slack: Socket Mode stopped: %w", err)
}

// socketLink is what runSocket's loop knows of the current connection.
type socketLink struct {
	opened  bool // the WebSocket is open
	greeted bool // Slack said hello on it
	refused int  // connections in a row that closed before a hello
}

// onSocketEvent handles one event from the Socket Mode client. Envelopes are
// acknowledged first and worked on after; an error stops Run.
//
// The adapter counts as connected from Slack's hello on, not from the
// WebSocket's opening: Slack refuses an app's connection beyond its tenth
// (several instances) with a "disconnect" (too_many_websockets) instead of
// a hello, and slack-go then reconnects without telling why. Such a
// connection is logged, once a streak, and /readyz stays not ready.
func (a *Adapter) onSocketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, link *socketLink) error {
	switch evt.Type {
	case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect:
		a.connected.Store(false)
		if link.opened && !link.greeted {
			if link.refused++; link.refused == 1 {
				a.log.Warn("Slack closed the Socket Mode connection before greeting it; Slack allows an app 10 connections (too_many_websockets): with more instances, use HTTP mode")
			}
		}
		link.opened, link.greeted = false, false
		if ce, ok := evt.Data.(*slack.ConnectingEvent); ok {
			a.log.Debug("Socket Mode connecting", "attempt", ce.Attempt, "connection", ce.ConnectionCount)
		}
	case socketmode.EventTypeConnected:
		link.opened = true
		if ce, ok := evt.Data.(*socketmode.ConnectedEvent); ok {
			a.log.Debug("Socket Mode connection open", "connection", ce.ConnectionCount+1)
		}
	case socketmode.EventTypeHello:
		a.connected.Store(true)
		if link.refused > 0 {
			a.log.Info("Socket Mode connected", "refused_before", link.refused)
		} else {
			a.log.Info("Socket Mode connected")
		}
		link.greeted, link.refused = true, 0
	case socketmode.EventTypeConnectionError:
		a.connected.Store(false)
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			if isAuthCode(slackCode(ce.ErrorObj)) {
				return a.appTokenError(ce.ErrorObj)
			}
			a.log.Warn("Socket Mode connection failed; retrying", "attempt", ce.Attempt, "backoff", ce.Backoff, "err", describe(ce.ErrorObj))
		}
	case socketmode.EventTypeInvalidAuth:
		return a.appTokenError(errors.New("invalid_auth"))
	case socketmode.EventTypeIncomingError:
		a.connected.Store(false)
		if ie, ok := evt.Data.(*slack.IncomingEventError); ok {
			a.log.Warn("Socket Mode connection dropped; reconnecting", "err", describe(ie.ErrorObj))
		}
	case socketmode.EventTypeErrorWriteFailed:
		if we, ok := evt.Data.(*socketmode.ErrorWriteFailed); ok {
			a.log.Warn("Socket Mode acknowledgement not written; Slack will redeliver", "err", describe(we.Cause))
		}
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not parse it (an event type it does not know, say):
		// acknowledge it anyway and handle what Hearth understands.
		if bm, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var req socketmode.Request
			if json.Unmarshal(bm.Message, &req) == nil && req.EnvelopeID != "" {
				a.onEnvelope(ctx, sm, &req)
			} else {
				a.log.Warn("unreadable Socket Mode message", "err", bm.Cause)
			}
		}
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
		if evt.Request != nil {
			a.onEnvelope(ctx, sm, evt.Request)
		}
	}
	return nil
}

// onEnvelope acknowledges one envelope and starts its work. Every envelope
// is acknowledged, even one Hearth cannot use, so Slack does not resend it.
func (a *Adapter) onEnvelope(ctx context.Context, sm *socketmode.Client, req *socketmode.Request) {
	ack := func(payload any) {
		// Never wait long: while slack-go reconnects nobody writes acks, and
		// an envelope that is not acknowledged is simply redelivered.
		ctx, cancel := context.WithTimeout(ctx, ackWait)
		defer cancel()
		if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
			a.log.Warn("Socket Mode acknowledgement failed", "envelope", req.EnvelopeID, "err", err)
		}
	}
	switch req.Type {
	case socketmode.RequestTypeEventsAPI:
		var cb slackevents.EventsAPICallbackEvent
		if err := json.Unmarshal(req.Payload, &cb); err != nil {
			ack(nil)
			a.log.Warn("unreadable event envelope", "envelope", req.EnvelopeID, "err", err)
			return
		}
		handled, err := a.acceptCallback(&cb, req.RetryAttempt, "socket")
		if err != nil {
			// Unacknowledged, so Slack delivers it again.
			a.log.Warn("event not accepted; Slack will redeliver it", "event_id", cb.EventID, "err", err)
			return
		}
		// Acknowledged once recorded, without holding up the envelopes
		// behind it (the worker keeps their order).
		if !a.goWork("event ack", func(context.Context) { a.waitHandled(handled, cb.EventID); ack(nil) }) {
			ack(nil)
		}
	case socketmode.RequestTypeSlashCommands:
		ack(nil)
		var cmd slack.SlashCommand
		if err := json.Unmarshal(req.Payload, &cmd); err != nil {
			a.log.Warn("unreadable slash command", "envelope", req.EnvelopeID, "err", err)
			return
		}
		a.startCommand(cmd)
	case socketmode.RequestTypeInteractive:
		var cb slack.InteractionCallback
		if err := json.Unmarshal(req.Payload, &cb); err != nil {
			ack(nil)
			a.log.Warn("unreadable interaction", "envelope", req.EnvelopeID, "err", err)
			return
		}
		if cb.Type != slack.InteractionTypeViewSubmission {
			ack(nil)
			a.interaction(cb)
			return
		}
		// A view submission is answered in its ack; wait for the core
		// without holding up other envelopes.
		if !a.goWork("view submission ack", func(context.Context) { ack(a.interaction(cb)) }) {
			ack(nil)
		}
	default:
		ack(nil)
		a.log.Debug("envelope ignored", "type", req.Type)
	}
}

// quietLogger silences slack-go's own logger (it only logs in debug mode,
// and its debug output would include message text).
type quietLogger struct{}

func (quietLogger) Output(int, string) error { return nil }
