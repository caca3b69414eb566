package shell

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
)

// inputLine is one line of input: its text, or, for a line longer than
// maxLine, only its length (the text is not kept: a line may be gigabytes).
type inputLine struct {
	text    string
	length  int   // in bytes, without the line end
	refused error // a line the reader could not read whole (ErrLineTooLong)
}

func (l inputLine) tooLong() bool { return l.length > maxLine }

// readLines sends in's lines to lines until in ends (nil), it fails, or ctx
// is done (ctx's error). Lines end with "\n" or "\r\n". A line of any
// length is read in pieces and, past maxLine, counted rather than kept, so
// the session refuses it and goes on with the next.
func readLines(ctx context.Context, in io.Reader, lines chan<- inputLine) error {
	r := bufio.NewReaderSize(in, 64*1024)
	for {
		var buf []byte
		n := 0
		var err error
		for {
			var chunk []byte
			chunk, err = r.ReadSlice('\n')
			n += len(chunk)
			if len(buf) <= maxLine+2 { // enough to tell "too long"; "+2" for "\r\n"
				buf = append(buf, chunk...)
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if n == 0 && err != nil {
			return nil // the end, after a final line end
		}
		if bytes.HasSuffix(buf, []byte("\n")) {
			buf, n = buf[:len(buf)-1], n-1
			if bytes.HasSuffix(buf, []byte("\r")) {
				buf, n = buf[:len(buf)-1], n-1
			}
		}
		l := inputLine{length: n}
		if !l.tooLong() {
			l.text = string(buf)
		}
		select {
		case lines <- l:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err != nil {
			return nil // the last line had no line end
		}
	}
}

// LineReader reads one line at a time, as a terminal's line editor does
// (Editor); io.EOF ends the input.
type LineReader interface {
	ReadLine() (string, error)
}

var _ LineReader = (*Editor)(nil)

// readEach sends lr's lines to lines, reading each only when want asks for
// it, until lr ends (nil), fails, or ctx is done (ctx's error). Reading on
// request, not ahead, keeps a line editor's echo of the next line after
// the output of the one before.
func readEach(ctx context.Context, lr LineReader, want <-chan struct{}, lines chan<- inputLine) error {
	for {
		select {
		case <-want:
		case <-ctx.Done():
			return ctx.Err()
		}
		s, err := lr.ReadLine()
		l := inputLine{text: s, length: len(s)}
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.Is(err, ErrLineTooLong):
			l = inputLine{refused: err}
		case err != nil:
			return err
		}
		select {
		case lines <- l:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
