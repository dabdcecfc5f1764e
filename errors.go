package ecloud

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes the API sends in the x-cloud-error-codes header and in the
// body's errors[].code: every code of the spec, and one the live API sends
// though the spec does not list it. Compare with HasCode or
// APIError.HasCode. A constant's name is its code in camel case, with the
// initialisms ID and IdP: role_assignments.invalid_target_user_id is
// CodeRoleAssignmentsInvalidTargetUserID.
const (
	// Organizations, members and invitations.
	CodeOrganizationInvalidAccess                   = "organization.invalid_access"
	CodeOrganizationInvalidName                     = "organization.invalid_name"
	CodeOrganizationInvitationAlreadyExists         = "organization.invitation_already_exists"
	CodeOrganizationInvitationInvalidEmail          = "organization.invitation_invalid_email"
	CodeOrganizationInvitationNotFound              = "organization.invitation_not_found"
	CodeOrganizationInvitationsPendingLimitExceeded = "organization.invitations_pending_limit_exceeded"
	CodeOrganizationInvitationsRateLimitExceeded    = "organization.invitations_rate_limit_exceeded"
	CodeOrganizationMembershipNotFound              = "organization.membership_not_found"
	CodeOrganizationNotFound                        = "organization.not_found"
	CodeOrganizationUserOrganizationAlreadyBelongs  = "organization.user_organization_already_belongs"
	CodeOrganizationUserOrganizationAlreadyExists   = "organization.user_organization_already_exists"
	CodeOrganizationUserOrganizationDoesNotBelong   = "organization.user_organization_does_not_belong"
	CodeRootInvalidAuthentication                   = "root.invalid_authentication"
	CodeRootInvalidData                             = "root.invalid_data"
	CodeUserNotFound                                = "user.not_found"

	// Members' role assignments. root.unauthorized (401: no valid
	// credential) is listed by the spec for these two operations only; the
	// live API sends it for others too.
	CodeRoleAssignmentsInvalidTargetUserID         = "role_assignments.invalid_target_user_id"
	CodeRoleAssignmentsUnauthorizedRoleAssignments = "role_assignments.unauthorized_role_assignments"
	CodeRootUnauthorized                           = "root.unauthorized"

	// Domain claims, the SAML identity provider and role mappings.
	CodeOrgDomainClaimAlreadyExists                      = "org.domain_claim.already_exists"
	CodeOrgDomainClaimConcurrentOrganizationModification = "org.domain_claim.concurrent_organization_modification"
	CodeOrgIdPIdPConfigured                              = "org.idp.idp_configured"
	CodeOrgIdPIdPNotConfigured                           = "org.idp.idp_not_configured"
	CodeOrgRoleMappingRuleAmbiguousRule                  = "org.role_mapping_rule.ambiguous_rule"
	CodeOrgRoleMappingRuleEmailSyntaxError               = "org.role_mapping_rule.email_syntax_error"
	CodeOrgRoleMappingRuleEmptyRule                      = "org.role_mapping_rule.empty_rule"
	CodeOrgRoleMappingRuleRoleMappingNotFound            = "org.role_mapping_rule.role_mapping_not_found"
	CodeOrgRoleMappingRuleSyntaxError                    = "org.role_mapping_rule.syntax_error"
	CodeOrgRoleMappingRuleTooManyRoleMappings            = "org.role_mapping_rule.too_many_role_mappings"

	// Sent by the live API though the spec does not list it: 403 when the
	// credential may not do what it asked.
	CodeRootPermissionDenied = "root.permission_denied"
)

// Sentinels for errors.Is. An *APIError matches the sentinel of its status
// class (see APIError.Is), however it is wrapped:
//
//	if errors.Is(err, ecloud.ErrNotFound) { ... }
var (
	ErrBadRequest   = errors.New("ecloud: bad request")  // 400
	ErrUnauthorized = errors.New("ecloud: unauthorized") // 401
	ErrForbidden    = errors.New("ecloud: forbidden")    // 403
	ErrNotFound     = errors.New("ecloud: not found")    // 404
	ErrRateLimited  = errors.New("ecloud: rate limited") // 429
	ErrServer       = errors.New("ecloud: server error") // 500 to 599

	// ErrVerificationPending is the 449 of VerifyDomainClaim: the DNS record
	// of the domain's verification code cannot be seen yet. Call again later;
	// the SDK does not retry it.
	ErrVerificationPending = errors.New("ecloud: domain verification pending")

	// ErrInvalidArgument marks arguments refused before any request is sent:
	// an empty ID or list, a list item that is empty or holds a comma, "." or
	// "..", a RoleAssignments that assigns nothing, an incomplete IdP
	// configuration or role mapping, a nil context, a Client not made by
	// NewClient.
	ErrInvalidArgument = errors.New("invalid argument")
)

// statusClasses are the statuses each sentinel stands for.
var statusClasses = []struct {
	sentinel error
	lo, hi   int
}{
	{ErrBadRequest, 400, 400},
	{ErrUnauthorized, 401, 401},
	{ErrForbidden, 403, 403},
	{ErrNotFound, 404, 404},
	{ErrRateLimited, 429, 429},
	{ErrVerificationPending, 449, 449},
	{ErrServer, 500, 599},
}

// Limits on what an *APIError keeps and prints, whatever a server sends: the
// codes of the x-cloud-error-codes header (the API sends one to three), the
// length of one code, and the details and codes that Error prints.
const (
	maxCodes       = 16
	maxCodeLen     = 128
	maxPrinted     = 5
	maxPrintedText = 200
)

// APIError is the error for every non-2xx answer, documented or not,
// including a redirect (3xx), which the client never follows.
type APIError struct {
	StatusCode int           // the HTTP status, such as 404
	Method     string        // the HTTP method, such as "GET"
	Operation  string        // the spec's operationId: one of the Op… constants, such as OpListOrganizationInvitations
	Codes      []string      // from the x-cloud-error-codes header: split on commas, trimmed, the first 16 distinct
	Errors     []ErrorDetail // from the body {"errors":[{"code","message","fields"}]}
	Body       []byte        // raw body (at most 64 KiB), kept when it is not the JSON error shape
	Attempts   int           // attempts made, retries included
	RetryAfter time.Duration // from Retry-After on 429 and 503, when the server sent it
	RateLimit  *RateLimit    // x-ratelimit-* headers of a 429, when the server sent them
}

// Error reads like
// "ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found".
// It prints at most five details and five header codes (each cut to 200
// bytes), then how many more there are, so it stays one short line whatever
// the server sent. It never contains a credential, a URL or an invitation
// token.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("ecloud: ")
	b.WriteString(e.Operation)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	sep, more := ": ", 0
	for i, d := range e.Errors {
		if i == maxPrinted {
			more += len(e.Errors) - i
			break
		}
		b.WriteString(sep)
		sep = "; "
		b.WriteString(clip(d.Code))
		if d.Message != "" {
			if d.Code != "" {
				b.WriteString(": ")
			}
			b.WriteString(clip(d.Message))
		}
	}
	codes := e.Codes
	if len(codes) > maxCodes {
		more += len(codes) - maxCodes
		codes = codes[:maxCodes]
	}
	printed := 0
	for _, code := range codes { // at most maxCodes passes over Errors: linear
		if slices.ContainsFunc(e.Errors, func(d ErrorDetail) bool { return d.Code == code }) {
			continue
		}
		if printed == maxPrinted {
			more++
			continue
		}
		printed++
		b.WriteString(sep)
		sep = "; "
		b.WriteString(clip(code))
	}
	if more > 0 {
		b.WriteString(" (and ")
		b.WriteString(strconv.Itoa(more))
		b.WriteString(" more)")
	}
	if len(e.Errors) == 0 && len(e.Body) > 0 {
		b.WriteString(" (unrecognised body of ")
		b.WriteString(strconv.Itoa(len(e.Body)))
		b.WriteString(" bytes)")
	}
	if e.Attempts > 1 {
		b.WriteString(" (after ")
		b.WriteString(strconv.Itoa(e.Attempts))
		b.WriteString(" attempts)")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	return b.String()
}

// clip cuts s to maxPrintedText bytes, at a character boundary.
func clip(s string) string {
	if len(s) <= maxPrintedText {
		return s
	}
	cut := maxPrintedText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// HasCode reports whether code came in the x-cloud-error-codes header or in
// the body's errors.
func (e *APIError) HasCode(code string) bool {
	return slices.Contains(e.Codes, code) ||
		slices.ContainsFunc(e.Errors, func(d ErrorDetail) bool { return d.Code == code })
}

// Is matches the sentinel of the error's status class (ErrNotFound for 404,
// ErrServer for any 5xx, ...).
func (e *APIError) Is(target error) bool {
	for _, c := range statusClasses {
		if target == c.sentinel {
			return e.StatusCode >= c.lo && e.StatusCode <= c.hi
		}
	}
	return false
}

// HasCode reports whether err is, or wraps, an *APIError carrying code.
func HasCode(err error, code string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.HasCode(code)
}

// RequestError is returned when no complete HTTP answer could be had: the
// connection failed, no answer came within the attempt timeout, the context
// ended, or a success body could not be read. It unwraps to the cause, so
// errors.Is(err, context.Canceled) works.
type RequestError struct {
	Operation string // the spec's operationId: one of the Op… constants
	Method    string // the HTTP method, such as "GET"
	Attempts  int    // attempts made, retries included
	Err       error  // the cause; when its text held a secret, a wrapper of it without the secret
}

// Error reads like "ecloud: get-organization: after 4 attempts: dial tcp
// 127.0.0.1:9243: connect: connection refused": the operation, the number of
// attempts when there were several, and the cause's text, which never
// contains a credential or an invitation token.
func (e *RequestError) Error() string {
	s := "ecloud: " + e.Operation + ": "
	if e.Attempts > 1 {
		s += "after " + strconv.Itoa(e.Attempts) + " attempts: "
	}
	if e.Err == nil {
		return s + "request failed"
	}
	return s + e.Err.Error()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *RequestError) Unwrap() error { return e.Err }

// newAPIError builds the *APIError for a non-2xx answer whose body (at most
// maxErrorBody+1 bytes) was already read; cut says it broke off. Everything
// kept from the answer is redacted. The raw body is redacted, then cut to
// maxErrorBody, and where it was cut (by the limit or by the server), the
// beginning of a secret left at its end is redacted too.
func (c *Client) newAPIError(r *call, status int, header http.Header, body []byte, cut bool, attempts int) *APIError {
	e := &APIError{
		StatusCode: status,
		Method:     r.method,
		Operation:  r.op,
		Codes:      parseErrorCodes(header),
		Attempts:   attempts,
	}
	for i, code := range e.Codes {
		e.Codes[i] = redact(code, c.cred.secrets, r.secrets)
	}
	if details, ok := decodeErrorBody(body); ok {
		e.Errors = details
		for i := range e.Errors {
			d := &e.Errors[i]
			d.Code = redact(d.Code, c.cred.secrets, r.secrets)
			d.Message = redact(d.Message, c.cred.secrets, r.secrets)
			for j := range d.Fields {
				d.Fields[j] = redact(d.Fields[j], c.cred.secrets, r.secrets)
			}
		}
	} else if len(body) > 0 {
		text := redact(string(body), c.cred.secrets, r.secrets)
		if len(text) > maxErrorBody {
			text, cut = text[:maxErrorBody], true
		}
		if cut {
			text = redactTail(text, c.cred.secrets, r.secrets)
			if len(text) > maxErrorBody { // the marker is longer than what it replaced
				text = text[:maxErrorBody-len(redacted)] + redacted
			}
		}
		e.Body = []byte(text)
	}
	switch status {
	case http.StatusTooManyRequests:
		e.RateLimit = parseRateLimit(header, c.cred.secrets, r.secrets)
		fallthrough
	case http.StatusServiceUnavailable:
		e.RetryAfter, _ = parseRetryAfter(header.Get("Retry-After"), time.Now())
	}
	return e
}

// parseErrorCodes reads the x-cloud-error-codes header lines, splitting
// comma-separated values and dropping empty items, duplicates and codes longer
// than maxCodeLen; it keeps the first maxCodes codes and reads no further.
func parseErrorCodes(h http.Header) []string {
	lines := h["X-Cloud-Error-Codes"]
	if len(lines) == 0 {
		return nil
	}
	var codes []string
	for _, line := range lines {
		for item := range strings.SplitSeq(line, ",") {
			item = strings.TrimSpace(item)
			if item == "" || len(item) > maxCodeLen || slices.Contains(codes, item) {
				continue
			}
			if codes = append(codes, item); len(codes) == maxCodes {
				return codes
			}
		}
	}
	return codes
}

// decodeErrorBody decodes {"errors":[...]}; ok is false for any other shape.
func decodeErrorBody(body []byte) (details []ErrorDetail, ok bool) {
	var reply struct {
		Errors []ErrorDetail `json:"errors"`
	}
	if len(body) == 0 || json.Unmarshal(body, &reply) != nil || reply.Errors == nil {
		return nil, false
	}
	return reply.Errors, true
}
