package store

import (
	"fmt"
	"strings"
)

// dayColumns are the day tables' figure columns, one per activity kind, in
// the order of activityKinds and of counts. Every statement that reads or
// writes the figures is written from them, so a new activity kind is a
// migration and one name here.
var dayColumns = [len(activityKinds)]string{"messages", "replies", "reactions", "checkin_answers", "still_here", "resource_shares", "rsvps", "attendances"}

// eachDayColumn writes format for every figure column (%[1]s is the
// column) and joins the results with sep.
func eachDayColumn(format, sep string) string {
	parts := make([]string, len(dayColumns))
	for i, c := range dayColumns {
		parts[i] = fmt.Sprintf(format, c)
	}
	return strings.Join(parts, sep)
}

var (
	// sqlDayColumns lists the figure columns: "messages, replies, …".
	sqlDayColumns = eachDayColumn("%[1]s", ", ")
	// sqlAllZero is true of a day table's row whose figures are all zero.
	sqlAllZero = eachDayColumn("%[1]s = 0", " AND ")
	// sqlDayTotal is a row's figures added up.
	sqlDayTotal = eachDayColumn("%[1]s", " + ")
)

// addExcluded adds an upsert's figures to those of the row of table.
func addExcluded(table string) string {
	return eachDayColumn("%[1]s = "+table+".%[1]s + excluded.%[1]s", ",\n\t")
}

// Weeks count messages, replies and reactions on their own and the
// participating kinds (check-in answers and the later kinds) together, as
// bot.WeekCounts.Answers.
const firstParticipating = 3

var sqlParticipatingKind = func() string {
	var kinds []string
	for _, k := range activityKinds[firstParticipating:] {
		kinds = append(kinds, "'"+string(k)+"'")
	}
	return "SUM(CASE WHEN e.kind IN (" + strings.Join(kinds, ", ") + ") THEN 1 ELSE 0 END)"
}()

// sqlMemberSums sums a day table's rows d as a report's members need them:
// messages, replies, reactions, and the participating kinds together.
var sqlMemberSums = func() string {
	var sums, rest []string
	for i, c := range dayColumns {
		if i < firstParticipating {
			sums = append(sums, "SUM(d."+c+")")
		} else {
			rest = append(rest, "d."+c)
		}
	}
	return strings.Join(append(sums, "SUM("+strings.Join(rest, " + ")+")"), ", ")
}()

// countPointers are the scan destinations of a counts, in column order.
func countPointers(c *counts) []any {
	out := make([]any, len(c))
	for i := range c {
		out[i] = &c[i]
	}
	return out
}

// values are the counts as statement arguments, in column order.
func (c counts) values() []any {
	out := make([]any, len(c))
	for i, n := range c {
		out[i] = n
	}
	return out
}
