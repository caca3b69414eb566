package store

// A report period is read from the day rollups for its whole UTC days and
// from events for the partial days at its edges.

const dayMillis = int64(day)

// span is [from, to) in unix milliseconds, split into whole days
// [firstDay, endDay) and the raw ranges around them.
type span struct {
	from, to         int64
	firstDay, endDay int64 // whole days; firstDay == endDay: none
}

func newSpan(from, to int64) span {
	s := span{from: from, to: to, firstDay: ceilDay(from), endDay: dayOf(to)}
	if s.firstDay >= s.endDay {
		s.firstDay, s.endDay = 0, 0
	}
	return s
}

// raw returns the parts of the span outside its whole days.
func (s span) raw() [][2]int64 {
	if s.firstDay == s.endDay {
		if s.from < s.to {
			return [][2]int64{{s.from, s.to}}
		}
		return nil
	}
	var r [][2]int64
	if start := s.firstDay * dayMillis; s.from < start {
		r = append(r, [2]int64{s.from, start})
	}
	if end := s.endDay * dayMillis; end < s.to {
		r = append(r, [2]int64{end, s.to})
	}
	return r
}

// ceilDay returns the first day starting at or after ms.
func ceilDay(ms int64) int64 {
	d := dayOf(ms)
	if d*dayMillis < ms {
		d++
	}
	return d
}
