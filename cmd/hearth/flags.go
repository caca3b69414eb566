package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// newFlags returns a flag set that returns errors rather than exiting and
// prints nothing by itself: parseArgs prints the usage, on standard output,
// only when --help asks for it, and a mistake reaches the user once, as the
// command's error.
func newFlags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() { printUsage(e.stdout, fs, synopsis) }
	return fs
}

// parseFlags parses a command that takes flags only.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q (see hearth %s --help)", fs.Arg(0), fs.Name())}
	}
	return nil
}

// parseArgs parses flags wherever they stand among the positional
// arguments (`plan show plan.yaml --start 2027-01-04` as well as
// `plan show --start 2027-01-04 plan.yaml`); `--` ends the flags. The
// positional arguments are left, in order, in fs.Args(). --help prints the
// command's usage and returns flag.ErrHelp (exit 0); a mistake returns a
// *usageError that says how to get help.
func parseArgs(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {} // the flag package calls it on mistakes too
	defer func() { fs.Usage = usage }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return err
			}
			return flagError(fs, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parsing "--" and the positional arguments sets fs.Args() without
	// touching a flag.
	return fs.Parse(append([]string{"--"}, positional...))
}

// flagError is the flag package's complaint, with the nearest flag for a
// mistyped one and where to look.
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = "unknown flag " + name
		if near := bot.Nearest(strings.TrimLeft(name, "-"), names); near != "" {
			msg += fmt.Sprintf("; did you mean --%s?", near)
		}
	}
	return &usageError{fmt.Sprintf("%s (see hearth %s --help)", msg, fs.Name())}
}

// printUsage writes the command's synopsis and its flags. Flags the
// hand-written synopsis does not mention are added to it, so the usage
// line never misses one.
func printUsage(w io.Writer, fs *flag.FlagSet, synopsis string) {
	named := map[string]bool{}
	for _, word := range strings.FieldsFunc(synopsis, func(r rune) bool {
		return !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if name, ok := strings.CutPrefix(word, "--"); ok {
			named[name] = true
		}
	}
	line, redirect, _ := strings.Cut(synopsis, " < ") // "shell … < script.txt"
	fs.VisitAll(func(f *flag.Flag) {
		if named[f.Name] {
			return
		}
		if value, _ := flag.UnquoteUsage(f); value != "" {
			if value == "string" {
				value = "value"
			}
			line += fmt.Sprintf(" [--%s %s]", f.Name, strings.ToUpper(value))
		} else {
			line += fmt.Sprintf(" [--%s]", f.Name)
		}
	})
	if redirect != "" {
		line += " < " + redirect
	}
	fmt.Fprintf(w, "Usage: hearth %s\n", line)
	var defaults strings.Builder
	fs.SetOutput(&defaults)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if defaults.Len() > 0 {
		// Spelled as the synopsis and the README spell them (the flag
		// package takes both).
		io.WriteString(w, strings.ReplaceAll("\nFlags:\n"+defaults.String(), "\n  -", "\n  --"))
	}
}
