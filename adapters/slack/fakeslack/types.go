package fakeslack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// What a test gives the fake and reads back: options, users, channels, and
// the calls, posts, views, files and acknowledgements it recorded.

// Options configures a Server. The zero value is usable.
type Options struct {
	TeamID, TeamName   string
	BotUserID, BotID   string
	AppID              string
	BotToken, AppToken string // the tokens the fake accepts
	// MaxPageSize caps users.list pages (Slack's own cap is 1000; the client
	// asks for 200). Set it low to exercise paging.
	MaxPageSize int
	// Now is the fake's clock, for generated timestamps and recorded calls.
	// Default time.Now.
	Now func() time.Time
	// PingInterval is how often the fake sends WebSocket pings on a Socket
	// Mode connection, as Slack does. Default 5s.
	PingInterval time.Duration
	// MaxConnections is how many Socket Mode connections the app may have
	// open at once; one more is refused as Slack refuses it (see
	// serveLink). Default MaxSocketConnections.
	MaxConnections int
}

// User is a workspace member as the fake knows it.
type User struct {
	ID          string
	Name        string // the legacy handle
	RealName    string
	DisplayName string
	TZ          string
	IsBot       bool
	BotID       string
	IsAdmin     bool
	IsOwner     bool
	// IsPrimaryOwner implies IsOwner in the JSON.
	IsPrimaryOwner bool
	IsRestricted   bool
	Deleted        bool
}

// Channel is a conversation the fake knows.
type Channel struct {
	ID         string
	Name       string
	IsPrivate  bool
	IsArchived bool
	// NotMember means Hearth has not been invited: posting fails with not_in_channel.
	NotMember bool
}

// Call is one recorded Web API call.
type Call struct {
	Method string
	Token  string
	// Params holds the form (or query) values; for JSON bodies, the top-level
	// string values.
	Params url.Values
	// JSON is the decoded JSON body, when the call sent JSON.
	JSON   map[string]any
	Status int    // HTTP status returned
	Error  string // the Slack error code returned, "" when ok
	At     time.Time
}

// OK reports whether the call succeeded.
func (c Call) OK() bool { return c.Status == http.StatusOK && c.Error == "" }

// Posted is a message the fake accepted from chat.postMessage or
// chat.postEphemeral.
type Posted struct {
	Method   string // chat.postMessage or chat.postEphemeral
	Channel  string
	User     string // chat.postEphemeral's recipient
	TS       string
	ThreadTS string
	Text     string
	Blocks   []map[string]any
	At       time.Time
}

// Response is a message posted to a response_url.
type Response struct {
	URL             string
	ResponseType    string // "ephemeral" or "in_channel"
	Text            string
	Blocks          []map[string]any
	ReplaceOriginal bool
	Raw             map[string]any
}

// View is a modal opened with views.open.
type View struct {
	ID              string
	TriggerID       string
	CallbackID      string
	PrivateMetadata string
	Title           string
	Submit          string
	Blocks          []map[string]any
	Raw             map[string]any
}

// File is a file uploaded with the external upload flow and shared with
// files.completeUploadExternal.
type File struct {
	ID       string
	Name     string
	Title    string
	Channel  string
	ThreadTS string
	Comment  string
	Data     []byte
}

// Ack is a Socket Mode acknowledgement the fake received.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil when the ack had no payload
	Conn       int             // which connection carried it (1-based)
}

// Options returns the server's effective options (defaults filled in).
func (s *Server) Options() Options { return s.opts }
