package prompts

import "github.com/hearth-community/hearth/bot"

// SchedulePrompt posts a discussion prompt: its Payload's text, or the
// deck's next prompt when the Payload is PayloadDeck.
const SchedulePrompt bot.ScheduleKind = "prompt"

// PayloadDeck is a prompt schedule's payload when it posts the deck's next
// prompt rather than a text of its own.
const PayloadDeck = "deck"
