package bot

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVWriter is the one CSV writer every export uses. It writes RFC 4180
// records like encoding/csv and neutralises cells a spreadsheet would run as
// a formula, as OWASP recommends: a cell starting with '=', '+', '-', '@', a
// tab or a carriage return gets a leading apostrophe, which spreadsheets
// show as text. A cell that is a plain number ("-3", "+1.5") is left alone:
// a number is not a formula, and figures stay figures.
type CSVWriter struct {
	w *csv.Writer
}

// NewCSVWriter returns a writer to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record, neutralised cell by cell.
func (c *CSVWriter) Write(record []string) error {
	safe := record
	for i, cell := range record {
		if n := CSVCell(cell); n != cell {
			if &safe[0] == &record[0] {
				safe = append([]string(nil), record...)
			}
			safe[i] = n
		}
	}
	return c.w.Write(safe)
}

// Flush writes buffered records to the underlying writer.
func (c *CSVWriter) Flush() { c.w.Flush() }

// Error reports any error from a previous Write or Flush.
func (c *CSVWriter) Error() error { return c.w.Error() }

// CSVCell returns cell as it may safely stand in a spreadsheet: unchanged,
// or with a leading apostrophe when it would start a formula.
func CSVCell(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if cell[0] != '=' && cell[0] != '@' {
			if _, err := strconv.ParseFloat(cell, 64); err == nil {
				return cell
			}
		}
		return "'" + cell
	}
	return cell
}
