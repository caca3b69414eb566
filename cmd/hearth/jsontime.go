package main

import (
	"reflect"
	"time"
)

// The offline commands' JSON carries times as RFC 3339 in whole seconds
// ("2026-11-28T09:00:00Z"): encoding/json writes a time.Time with all its
// nanoseconds, which says more than Hearth knows (the store keeps
// milliseconds, and --now defaults to a clock reading) and is harder to
// read and to compare. writeJSON passes what it writes through
// wholeSeconds, so every output (report, digest, impact, checkins,
// resources, export) follows the rule without its types knowing of it.

var timeType = reflect.TypeFor[time.Time]()

// wholeSeconds returns a copy of v in which every time.Time reachable
// through exported fields, pointers, slices, arrays, maps and interfaces is
// truncated to the second; everything else is as in v (unexported fields
// are copied as they are, so a type's own MarshalJSON still sees them).
// v must not be cyclic: output documents are trees.
func wholeSeconds(v any) any {
	if v == nil {
		return nil
	}
	return truncateTimes(reflect.ValueOf(v)).Interface()
}

func truncateTimes(v reflect.Value) reflect.Value {
	t := v.Type()
	if t == timeType {
		return reflect.ValueOf(v.Interface().(time.Time).Truncate(time.Second))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(truncateTimes(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(truncateTimes(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v)
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				out.Field(i).Set(truncateTimes(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() || holdsNoTime(t.Elem()) {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(truncateTimes(v.Index(i)))
		}
		return out
	case reflect.Array:
		if holdsNoTime(t.Elem()) {
			return v
		}
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(truncateTimes(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() || holdsNoTime(t.Elem()) {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), truncateTimes(it.Value()))
		}
		return out
	}
	return v
}

// holdsNoTime reports whether values of t are plain (numbers, strings,
// booleans), so a slice or map of them is used as it is.
func holdsNoTime(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	}
	return false
}
