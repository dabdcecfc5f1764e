package ecloud

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Error codes the Organizations API sends in the x-cloud-error-codes header
// and in the body's errors[].code. Compare with APIError.HasCode or HasCode.
const (
	CodeOrganizationInvalidAccess                  = "organization.invalid_access"
	CodeOrganizationInvalidName                    = "organization.invalid_name"
	CodeOrganizationInvitationAlreadyExists        = "organization.invitation_already_exists"
	CodeOrganizationInvitationInvalidEmail         = "organization.invitation_invalid_email"
	CodeOrganizationInvitationNotFound             = "organization.invitation_not_found"
	CodeOrganizationInvitationsRateLimitExceeded   = "organization.invitations_rate_limit_exceeded"
	CodeOrganizationMembershipNotFound             = "organization.membership_not_found"
	CodeOrganizationNotFound                       = "organization.not_found"
	CodeOrganizationUserOrganizationAlreadyBelongs = "organization.user_organization_already_belongs"
	CodeOrganizationUserOrganizationAlreadyExists  = "organization.user_organization_already_exists"
	CodeOrganizationUserOrganizationDoesNotBelong  = "organization.user_organization_does_not_belong"
	CodeRootInvalidAuthentication                  = "root.invalid_authentication"
	CodeRootInvalidData                            = "root.invalid_data"
	CodeUserNotFound                               = "user.not_found"

	// Every other code of the spec. A constant's name is its code in camel
	// case, with the initialisms ID and IdP: role_assignments.invalid_target_user_id
	// is CodeRoleAssignmentsInvalidTargetUserID.
	CodeOrganizationInvitationsPendingLimitExceeded = "organization.invitations_pending_limit_exceeded"

	// Members' role assignments.
	CodeRoleAssignmentsInvalidTargetUserID         = "role_assignments.invalid_target_user_id"
	CodeRoleAssignmentsUnauthorizedRoleAssignments = "role_assignments.unauthorized_role_assignments"

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

	// Sent by the live API though the spec does not list them.
	CodeRootUnauthorized     = "root.unauthorized"
	CodeRootPermissionDenied = "root.permission_denied"
)

// Sentinels for errors.Is. An *APIError matches the sentinel of its status
// class; ErrInvalidArgument marks arguments refused before any request.
var (
	ErrBadRequest      error = &statusClass{"bad request", 400, 400}
	ErrUnauthorized    error = &statusClass{"unauthorized", 401, 401}
	ErrForbidden       error = &statusClass{"forbidden", 403, 403}
	ErrNotFound        error = &statusClass{"not found", 404, 404}
	ErrRateLimited     error = &statusClass{"rate limited", 429, 429}
	ErrServer          error = &statusClass{"server error", 500, 599}
	ErrInvalidArgument       = errors.New("invalid argument")

	// ErrVerificationPending is the 449 of VerifyDomainClaim: the DNS record
	// of the domain's verification code cannot be seen yet. Call again later;
	// the SDK does not retry it.
	ErrVerificationPending error = &statusClass{"domain verification pending", 449, 449}
)

type statusClass struct {
	name     string
	min, max int
}

func (s *statusClass) Error() string { return "ecloud: " + s.name }

// APIError is the error for every non-2xx answer, documented or not.
type APIError struct {
	StatusCode int
	Method     string
	Operation  string        // spec operationId, such as "list-organization-invitations"
	Codes      []string      // from the x-cloud-error-codes header: every line, split on commas, trimmed
	Errors     []ErrorDetail // from the body {"errors":[{"code","message","fields"}]}
	Body       []byte        // raw body (at most 64 KiB), kept when it is not the JSON error shape
	Attempts   int           // attempts made, retries included
	RetryAfter time.Duration // from Retry-After on 429 and 503, when the server sent it
	RateLimit  *RateLimit    // x-ratelimit-* headers of a 429, when the server sent them
}

// Error reads like
// "ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found".
// It never contains a credential, a URL or an invitation token.
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
	sep := ": "
	for _, d := range e.Errors {
		b.WriteString(sep)
		sep = "; "
		b.WriteString(d.Code)
		if d.Message != "" {
			if d.Code != "" {
				b.WriteString(": ")
			}
			b.WriteString(d.Message)
		}
	}
	for _, code := range e.Codes {
		if !slices.ContainsFunc(e.Errors, func(d ErrorDetail) bool { return d.Code == code }) {
			b.WriteString(sep)
			sep = "; "
			b.WriteString(code)
		}
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

// HasCode reports whether code came in the x-cloud-error-codes header or in
// the body's errors.
func (e *APIError) HasCode(code string) bool {
	return slices.Contains(e.Codes, code) ||
		slices.ContainsFunc(e.Errors, func(d ErrorDetail) bool { return d.Code == code })
}

// Is matches the sentinel of the error's status class (ErrNotFound for 404,
// ErrServer for any 5xx, ...).
func (e *APIError) Is(target error) bool {
	s, ok := target.(*statusClass)
	return ok && e.StatusCode >= s.min && e.StatusCode <= s.max
}

// HasCode reports whether err is, or wraps, an *APIError carrying code.
func HasCode(err error, code string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.HasCode(code)
}

// RequestError is returned when no HTTP answer could be had: the connection
// failed, the context ended, or the body could not be read. It unwraps to the
// cause, so errors.Is(err, context.Canceled) works.
type RequestError struct {
	Operation string
	Method    string
	Attempts  int
	Err       error
	msg       string // Err's text with secrets removed
}

func (e *RequestError) Error() string {
	s := "ecloud: " + e.Operation + ": "
	if e.Attempts > 1 {
		s += "after " + strconv.Itoa(e.Attempts) + " attempts: "
	}
	return s + e.msg
}

func (e *RequestError) Unwrap() error { return e.Err }

// newAPIError builds the *APIError for a non-2xx response whose body (bounded)
// was already read.
func (c *Client) newAPIError(r *call, resp *http.Response, body []byte, attempts int) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		Method:     r.method,
		Operation:  r.op,
		Codes:      parseErrorCodes(resp.Header),
		Attempts:   attempts,
	}
	if details, ok := decodeErrorBody(body); ok {
		e.Errors = details
		for i := range e.Errors {
			e.Errors[i].Message = redact(e.Errors[i].Message, c.cred.secrets, r.secrets)
		}
	} else if len(body) > 0 {
		e.Body = []byte(redact(string(body), c.cred.secrets, r.secrets))
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		e.RateLimit = parseRateLimit(resp.Header)
		fallthrough
	case http.StatusServiceUnavailable:
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}

// parseErrorCodes reads every x-cloud-error-codes header line, splitting
// comma-separated values and dropping empty items.
func parseErrorCodes(h http.Header) []string {
	lines := h["X-Cloud-Error-Codes"]
	if len(lines) == 0 {
		return nil
	}
	var codes []string
	for _, line := range lines {
		for item := range strings.SplitSeq(line, ",") {
			if item = strings.TrimSpace(item); item != "" {
				codes = append(codes, item)
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

// redact replaces every secret (credentials, invitation tokens, and the
// escaped form of each) with "[redacted]".
func redact(s string, lists ...[]string) string {
	for _, list := range lists {
		for _, secret := range list {
			if secret == "" {
				continue
			}
			s = strings.ReplaceAll(s, secret, "[redacted]")
			if escaped := url.PathEscape(secret); escaped != secret {
				s = strings.ReplaceAll(s, escaped, "[redacted]")
			}
		}
	}
	return s
}
