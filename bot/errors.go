package bot

import (
	"errors"
	"fmt"
)

// Error codes for errors meant for people. The code is stable (logs, tests,
// metrics); the message is chat-ready and may change.
const (
	ECommand     = "bad_command"  // the command text could not be understood
	EArgument    = "bad_argument" // an argument was malformed
	ENotFound    = "not_found"    // a named member, channel or thing does not exist
	EForbidden   = "forbidden"    // the caller may not do this
	EConflict    = "conflict"     // the request contradicts the current state
	EPlatform    = "platform"     // the chat platform refused (not in channel, archived...)
	EUnreachable = "unreachable"  // a member cannot be reached by DM (closed DMs, deactivated)
	EInternal    = "internal"     // a bug or an outage; the person sees an apology
)

// Error is an error meant for a person: Message is what they read in chat.
// Anything that is not an *Error is internal: it is logged with context for
// the operator and the person sees Apology.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted, chat-ready message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Apology is what a person sees when something went wrong on Hearth's side.
const Apology = "Sorry, something went wrong on my side. The operator has the details in the log; please try again in a minute."

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the chat-ready message of err if it is (or wraps) an
// *Error, and Apology otherwise.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return Apology
}

// ErrNotFound is returned by stores when a looked-up thing does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is what a store returns for something that exists already.
var ErrDuplicate = errors.New("duplicate")
