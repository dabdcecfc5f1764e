package ecloud

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Decoding success bodies. encoding/json (v1) is the reference: what it
// decodes, and how, is what the SDK promises (unknown fields ignored, names
// matched case-insensitively, the last of duplicate names wins, invalid UTF-8
// replaced by U+FFFD, null leaving a slice or pointer nil, RFC 3339 times),
// followed by the required-field check (required.go). The work is done by the
// encoding/json/v2 engine, about twice as fast on large lists, set to v1's
// semantics by jsonv1.DefaultOptionsV1 (the options with which Go itself runs
// encoding/json on that engine).
//
// Memory is bounded by the body: decoding takes at most maxDecodeCost bytes
// per byte of it, whatever a server sends, twice that for a body refused for
// a wrong type, which encoding/json decodes again to name the fault (see
// BENCHMARKS.md, "Memory"). What could take more is a list of elements much
// smaller in JSON than in Go, such as a million {} in an invitation list:
// 3 bytes each in the body, 232 as OrganizationInvitation values. So
// decodeBody first adds up, in one pass over the body, the most that its
// lists could take (decodeCost). For real answers that is less than 10 bytes
// per byte, and they are decoded directly (decodeDirect). A body that could
// take more is decoded by a checkingDecoder, which gives each list the room
// its JSON array needs, counted, and checks the elements that have required
// fields as it decodes them: after one that lacks a required field, the rest
// of its list is skipped. Such a body is refused anyway (the check that
// follows names that field), so a million {} cost one OrganizationInvitation.
// Checking needs rules of its own for lists (jsonv2.WithUnmarshalers); with
// any such rule the engine looks up the type of every value it decodes, and
// decoding elements one by one checks their JSON again: some 45% more time,
// which only such bodies pay.
//
// TestDecodeMatchesEncodingJSON and FuzzDecode compare both ways with
// encoding/json on bodies built to find differences.
func decodeBody(body []byte, out any) error {
	if decodeCost(body) <= maxDecodeCost*len(body) {
		return decodeDirect(body, out)
	}
	d := checkingDecoders.Get().(*checkingDecoder)
	defer d.release()
	return d.decode(body, out)
}

// maxDecodeCost is the most memory that decodeDirect may take per byte of a
// body: its lists' elements, with what their pointers hold, and the slack
// and copies left by growing their slices.
const maxDecodeCost = 12

// What decodeCost counts for each element of a list: the most that decoding
// can allocate for it, the slice's slack and the copies left by growing it
// included (growing by a quarter at a time, a slice allocates in all up to
// six times its final length). For an element of a list in the top object,
// an invitation with its role assignments, project ones included, its
// accepted_at, and the zones of its three times; for one nested deeper, a
// deployment role assignment with its all. TestDecodeCostBoundsEveryList
// measures every list of the models against them.
var (
	topElementCost    = 6*sizeOf[OrganizationInvitation]() + sizeOf[RoleAssignments]() + sizeOf[ProjectRoleAssignments]() + sizeOf[time.Time]() + 3*zoneSize
	nestedElementCost = 6*sizeOf[DeploymentRoleAssignment]() + 16
)

// zoneSize is what time.Parse allocates for a time whose offset is not
// whole hours: a time.Location of its own, with one zone.
const zoneSize = 160

// sizeOf returns the size of a T.
func sizeOf[T any]() int { return int(reflect.TypeFor[T]().Size()) }

// decodeCost returns what the elements of the body's arrays could cost when
// decoded: topElementCost for those of arrays in the top-level value or its
// members, nestedElementCost for deeper ones. Strings, which take no more
// than their bytes, and the few objects outside lists are not counted. The
// body need not be valid JSON; if it is not, decoding finds out.
func decodeCost(b []byte) int {
	cost := 0
	var arrays []bool // for each open object or array: whether it is an array
	element := false  // whether a value starting here is an array element
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case ' ', '\t', '\n', '\r', ':':
			continue
		case ',':
			element = len(arrays) > 0 && arrays[len(arrays)-1]
			continue
		case ']', '}':
			if len(arrays) > 0 {
				arrays = arrays[:len(arrays)-1]
			}
			element = false
			continue
		}
		if element && len(arrays) <= 2 {
			cost += topElementCost
		} else if element {
			cost += nestedElementCost
		}
		element = false
		switch c {
		case '"':
			i = endOfString(b, i)
		case '[', '{':
			if len(arrays) == maxDepth {
				return cost // too deep for the engine, which refuses the body
			}
			arrays = append(arrays, c == '[')
			element = c == '['
		}
	}
	return cost
}

// maxDepth is the deepest nesting of objects and arrays that the engine (like
// encoding/json) decodes.
const maxDepth = 10_000

// endOfString returns the index of the quote that ends the string whose
// opening quote is b[i], or len(b).
func endOfString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i
		case '\\':
			i++ // the escaped byte
		}
	}
	return len(b)
}

var (
	v1Semantics = jsonv1.DefaultOptionsV1()
	v1Escapes   = jsonv2.JoinOptions(v1Semantics, jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(unmarshalTimeAsV1)))
)

// decodeDirect decodes a body with the engine as encoding/json would. Two
// differences remain, and are closed here:
//
//   - v1 hands a time its JSON string as written and refuses escapes in it;
//     the engine unescapes first. Bodies with a backslash anywhere decode
//     with v1's own time rule (slower: the engine then asks, for every value,
//     whether its type has its own rule; bodies without one cannot differ).
//   - The engine's errors are not v1's types (*json.SyntaxError,
//     *json.UnmarshalTypeError). A body the engine refuses is decoded again
//     by encoding/json, whose answer, error or value, is the result.
func decodeDirect(body []byte, out any) error {
	if l, ok := out.(presizer); ok {
		l.presize(body)
	}
	opts := v1Semantics
	if bytes.IndexByte(body, '\\') >= 0 {
		opts = v1Escapes
	}
	if jsonv2.Unmarshal(body, out, opts) == nil {
		return nil
	}
	reflect.ValueOf(out).Elem().SetZero()
	return json.Unmarshal(body, out)
}

// unmarshalTimeAsV1 decodes a time as encoding/json does: its JSON value,
// escapes and all, goes to time.Time.UnmarshalJSON.
func unmarshalTimeAsV1(dec *jsontext.Decoder, t *time.Time) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return t.UnmarshalJSON(v)
}

// A presizer is a list wrapper that sizes its slice for body before it is
// decoded, so that decoding does not grow the slice again and again (at
// 10,000 invitations, growing took more memory than all the rest).
type presizer interface{ presize(body []byte) }

func (w *organizationInvitations) presize(body []byte) {
	w.Invitations = presized[OrganizationInvitation](body, "invitations")
}

func (w *organizationMemberships) presize(body []byte) {
	w.Members = presized[OrganizationMembership](body, "members")
}

// minPresizedBody is the smallest body whose list is presized; below it,
// growing the slice costs little.
const minPresizedBody = 64 << 10

// presized returns an empty slice with room for the elements of the list
// that body holds under name, or nil when there is none to size. The number
// is estimated from the size of the first element, with an eighth more for
// larger ones. The estimate is a capacity, never a length: decoding decides
// what the slice holds, and a list presized here is one that the body does
// hold, so that a missing list stays nil. The capacity is at most the number
// of list elements that a body decoded directly can hold (see decodeCost), so
// a body of tiny first elements cannot make it large.
func presized[T any](body []byte, name string) []T {
	if len(body) < minPresizedBody {
		return nil
	}
	start, first := firstElement(body, name)
	if first <= 0 {
		return nil
	}
	rest := int64(len(body)) - start
	n := rest/(first+1) + rest/(first+1)/8 + 1 // +1: the comma
	return make([]T, 0, min(n, maxPresized(len(body))))
}

// maxPresized is the most list elements that a body of size bytes decoded
// directly can hold.
func maxPresized(size int) int64 { return int64(maxDecodeCost * size / topElementCost) }

// firstElement finds, in the top-level object of body, the member name whose
// value is a non-empty array, and returns where its elements start and the
// size of the first; 0 if there is no such member.
func firstElement(body []byte, name string) (start, size int64) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return 0, 0
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return 0, 0
		}
		if tok.String() != name || dec.PeekKind() != '[' {
			if dec.SkipValue() != nil {
				return 0, 0
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return 0, 0
		}
		start = dec.InputOffset()
		if dec.PeekKind() == ']' || dec.SkipValue() != nil {
			return 0, 0
		}
		return start, dec.InputOffset() - start
	}
	return 0, 0
}

// A checkingDecoder decodes bodies whose lists could cost too much if
// decoded directly. It decodes with the engine as decodeDirect does, with
// rules of its own for lists (listOf):
//
//   - A list's slice gets, before the engine decodes into it, the room for
//     the elements of its JSON array, counted in the body: it is never
//     larger than needed, and growing leaves no copies behind.
//   - A list whose elements have required fields is decoded element by
//     element, each checked as soon as it is decoded (decodeChecked); after
//     one that lacks a required field, the rest of the list is skipped, not
//     decoded. The check that follows decoding refuses the body, naming that
//     field, as it would have. Kept elements have their required fields, so
//     they are at least the size of the smallest complete one in JSON.
//
// One body cannot be decoded exactly so: a list that appears twice in the
// same object, the first time cut short and the second time longer than
// what was kept, is refused (errRepeatedList). encoding/json would have
// decoded the second list's last elements into the first one's, which were
// skipped.
//
// The engine's errors are not v1's: a body the engine refuses is decoded
// again by encoding/json for its error. A syntax error costs that no
// decoding, and other errors are found decoding into the value the engine
// left, whose slices are already large enough for every list of the body.
// Only when that value holds less than the body (a list cut short, or
// emptied or nulled after holding elements) could encoding/json need more
// memory: the engine's error is given then, as encoding/json's type and
// text (asV1Error), and times are decoded with encoding/json's own rule, so
// that a body refused for one reason gets encoding/json's error; one
// refused for several may get the error of another of them.
type checkingDecoder struct {
	// opts has v1's rule for times (unmarshalTimeAsV1) whatever the body,
	// so that a time refused is refused with encoding/json's error.
	opts jsonv2.Options
	// cut holds the first element of each list cut short, so that a second
	// copy of it (a repeated name) can be told.
	cut map[any]struct{}
	// partial is set when the value holds less than the body: a list cut
	// short, or emptied or nulled, or role assignments nulled, after holding
	// elements.
	partial bool
	// refused is set when a list cut short appears again (errRepeatedList).
	refused bool
	// small is the length up to which a checked list's slice grows as
	// append grows it (smallList; tests set 0 to count every list).
	small int
}

// errRepeatedList is the error of the one body a checkingDecoder cannot
// decode exactly (see checkingDecoder).
var errRepeatedList = errors.New("a list appears twice in one object, and the first time it has an element that lacks a required field")

var checkingDecoders = sync.Pool{New: func() any { return newCheckingDecoder() }}

func newCheckingDecoder() *checkingDecoder {
	d := &checkingDecoder{cut: map[any]struct{}{}, small: smallList}
	lists := jsonv2.JoinUnmarshalers(
		listOf(d, checked[OrganizationInvitation]()),
		listOf(d, checked[OrganizationMembership]()),
		listOf(d, checked[Organization]()),
		listOf(d, checked[RoleMapping]()),
		listOf(d, checked[PlatformRoleAssignment]()),
		listOf(d, checked[OrganizationRoleAssignment]()),
		listOf(d, checked[DeploymentRoleAssignment]()),
		listOf(d, checked[ProjectRoleAssignment]()),
		listOf[string](d, nil),
		listOf[RoleMappingPropertyRule](d, nil),
		nulled[RoleAssignments](d),
		nulled[ProjectRoleAssignments](d),
	)
	d.opts = jsonv2.JoinOptions(v1Semantics, jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(lists, jsonv2.UnmarshalFromFunc(unmarshalTimeAsV1))))
	return d
}

func (d *checkingDecoder) decode(body []byte, out any) error {
	err := jsonv2.Unmarshal(body, out, d.opts)
	switch {
	case err == nil:
		return nil
	case d.refused:
		return errRepeatedList
	case !json.Valid(body):
		return json.Unmarshal(body, out) // its syntax error, found before decoding anything
	case d.partial:
		return asV1Error(err, out)
	}
	return json.Unmarshal(body, out)
}

func (d *checkingDecoder) release() {
	d.reset()
	checkingDecoders.Put(d)
}

func (d *checkingDecoder) reset() {
	if len(d.cut) > 64 {
		d.cut = map[any]struct{}{} // a hostile body's cuts are not kept
	}
	clear(d.cut)
	d.partial, d.refused = false, false
}

// checked returns the check of T's required fields.
func checked[T any, P interface {
	*T
	checker
}]() func(*T) error {
	return func(v *T) error { return P(v).check() }
}

// listOf is the rule for lists of T: decodeChecked if T has required fields
// (check is not nil), and otherwise the engine's, into a slice given the
// room for the elements of the JSON array first.
func listOf[T any](d *checkingDecoder, check func(*T) error) *jsonv2.Unmarshalers {
	return jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, s *[]T) error {
		if dec.PeekKind() != '[' {
			if dec.PeekKind() == 'n' {
				d.emptied(cap(*s))
			}
			return jsonv2.SkipFunc // null, and the error of any other value
		}
		if check != nil {
			return decodeChecked(d, dec, s, check)
		}
		b := dec.UnreadBuffer()
		n, _ := countElements(b[bytes.IndexByte(b, '[')+1:])
		if n == 0 {
			d.emptied(cap(*s))
		} else if n > cap(*s) {
			*s = withCapacity(*s, n)
		}
		return jsonv2.SkipFunc
	})
}

// decodeChecked decodes a JSON array into *s as encoding/json does (into the
// elements the slice already has, spare capacity included, then into new
// ones), except that after an element that fails check, the rest of the
// array is skipped.
func decodeChecked[T any](d *checkingDecoder, dec *jsontext.Decoder, s *[]T, check func(*T) error) error {
	kept := len(*s)
	_, wasCut := d.cut[firstOf(*s)]
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	list := (*s)[:cap(*s)]
	start := dec.InputOffset()
	var firstErr error
	i := 0
	for {
		switch dec.PeekKind() {
		case ']':
		case 0:
			_, err := dec.ReadToken()
			return err
		default:
			if wasCut && i == kept {
				d.refused = true
				return errRepeatedList
			}
			if i == len(list) {
				list = grow(list, dec, start, d.small)
			}
			if err := jsonv2.UnmarshalDecode(dec, &list[i]); err != nil {
				firstErr = cmp.Or(firstErr, err) // the engine goes on after v1's type errors, and so does v1
			}
			i++
			if check(&list[i-1]) != nil && dec.PeekKind() != ']' {
				d.cut[&list[0]] = struct{}{}
				d.partial = true
				for dec.PeekKind() != ']' {
					if err := dec.SkipValue(); err != nil {
						return err
					}
				}
			}
			continue
		}
		break
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if i == 0 {
		d.emptied(cap(*s))
		*s = []T{}
	} else {
		*s = list[:i]
	}
	return firstErr
}

func firstOf[T any](s []T) any {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// nulled notes a null that replaces an object of T.
func nulled[T any](d *checkingDecoder) *jsonv2.Unmarshalers {
	return jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, p **T) error {
		if *p != nil && dec.PeekKind() == 'n' {
			d.partial = true
		}
		return jsonv2.SkipFunc
	})
}

// emptied notes a list emptied (by null or []) after holding elements.
func (d *checkingDecoder) emptied(capacity int) {
	if capacity > 0 {
		d.partial = true
	}
}

// smallList is the length up to which a checked list's slice grows as
// append grows it.
const smallList = 64

// grow returns list, full, with room for more: for the elements left in the
// JSON array that dec is in, but never for more than the bytes left would
// hold at the average size of the elements decoded since start (all
// complete but perhaps the last), unless that is less than doubling.
func grow[T any](list []T, dec *jsontext.Decoder, start int64, small int) []T {
	n := len(list)
	if n < small || n == 0 {
		list = append(list, *new(T))
		return list[:cap(list)]
	}
	left, size := countElements(dec.UnreadBuffer())
	avg := max((dec.InputOffset()-start)/int64(n), 1)
	list = withCapacity(list, n+min(left, max(int(int64(size)/avg)+1, n)))
	return list[:cap(list)]
}

// withCapacity returns s, with the elements past its length that its
// capacity holds, in a new slice of capacity n, n > cap(s). (slices.Grow
// allocates its room twice in a -race build.)
func withCapacity[T any](s []T, n int) []T {
	grown := make([]T, len(s), n)
	copy(grown[:cap(s)], s[:cap(s)])
	return grown
}

// countElements returns the number of values in b before the ']' that ends
// the array b is in, and the bytes up to it. b is the rest of the array after
// its '[' or after one of its values, in a body of valid JSON (the engine
// checks the body before decoding it).
func countElements(b []byte) (n, size int) {
	depth, inLiteral := 0, false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			if depth == 0 {
				n++
			}
			i = endOfString(b, i)
		case '[', '{':
			if depth == 0 {
				n++
			}
			depth++
		case ']', '}':
			if depth == 0 {
				return n, i
			}
			depth--
		case ',', ':', ' ', '\t', '\n', '\r':
		default: // a number, true, false or null
			if depth == 0 && !inLiteral {
				n++
			}
			inLiteral = true
			continue
		}
		inLiteral = false
	}
	return n, len(b)
}

// asV1Error gives an error of the engine, decoding into out, the type and
// the text that encoding/json's would have (see v1Field).
func asV1Error(err error, out any) error {
	var e *jsonv1.UnmarshalTypeError
	if !errors.As(err, &e) {
		return err
	}
	holder, field := v1Field(reflect.TypeOf(out).Elem(), e.Field)
	return &json.UnmarshalTypeError{Value: e.Value, Type: e.Type, Offset: e.Offset, Struct: holder.Name(), Field: field}
}

// v1Field returns, for the path of a field of t as the engine gives it (the
// names as the body spells them, array indexes included), the path as
// encoding/json gives it (the names the fields declare, no indexes) and the
// struct type that holds the field.
func v1Field(t reflect.Type, enginePath string) (reflect.Type, string) {
	var path []string
	for name := range strings.SplitSeq(enginePath, ".") {
		if _, err := strconv.Atoi(name); err == nil {
			continue // an array index
		}
		if len(path) > 0 {
			next, ok := fieldType(t, path[len(path)-1])
			if !ok {
				return t, enginePath
			}
			t = next
		}
		path = append(path, declaredName(t, name))
	}
	return t, strings.Join(path, ".")
}

// declaredName returns the JSON name that struct t declares for a field
// the body names name (matched as encoding/json matches names), or name.
func declaredName(t reflect.Type, name string) string {
	if t.Kind() != reflect.Struct {
		return name
	}
	for i := range t.NumField() {
		if tag := jsonName(t.Field(i)); tag == name || strings.EqualFold(tag, name) {
			return tag
		}
	}
	return name
}

// fieldType returns the struct type under the field of t declared as name,
// through pointers, slices and arrays.
func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if jsonName(f) != name {
			continue
		}
		next := f.Type
		for next.Kind() == reflect.Pointer || next.Kind() == reflect.Slice || next.Kind() == reflect.Array {
			next = next.Elem()
		}
		return next, next.Kind() == reflect.Struct
	}
	return t, false
}

// jsonName is the name a field has in JSON.
func jsonName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return cmp.Or(tag, f.Name)
}
