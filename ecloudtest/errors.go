package ecloudtest

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"

	"github.com/ecloud-go/ecloud"
)

// Codes of the fake's own, for requests that match no operation, refuse the
// answer's media type, or make the fake panic. The spec documents none for
// these cases.
const (
	codeResourceNotFound = "root.resource_not_found"
	codeMethodNotAllowed = "root.method_not_allowed"
	codeNotAcceptable    = "root.not_acceptable"
	codeUnexpectedError  = "root.unexpected_error"
)

// messages are the spec's messages for its error codes.
var messages = map[string]string{
	ecloud.CodeOrganizationInvalidAccess:                        "The current user does not have access to the requested organization.",
	ecloud.CodeOrganizationInvalidName:                          "Name must be between 2 and 30 characters.",
	ecloud.CodeOrganizationInvitationAlreadyExists:              "Invitation already sent.",
	ecloud.CodeOrganizationInvitationInvalidEmail:               "Invitation email was not valid.",
	ecloud.CodeOrganizationInvitationNotFound:                   "Invitation not found.",
	ecloud.CodeOrganizationInvitationsRateLimitExceeded:         "Request exceeds organization invitation creation rate limits.",
	ecloud.CodeOrganizationMembershipNotFound:                   "Organization membership not found.",
	ecloud.CodeOrganizationNotFound:                             "Organization not found.",
	ecloud.CodeOrganizationUserOrganizationAlreadyBelongs:       "User already belongs to organization.",
	ecloud.CodeOrganizationUserOrganizationAlreadyExists:        "User already has an organization.",
	ecloud.CodeOrganizationUserOrganizationDoesNotBelong:        "Invitation sender does not belong to organization.",
	ecloud.CodeRootInvalidAuthentication:                        "The current user authentication is not valid.",
	ecloud.CodeRootInvalidData:                                  "The request data is not valid.",
	ecloud.CodeUserNotFound:                                     "User not found.",
	ecloud.CodeOrganizationInvitationsPendingLimitExceeded:      "Request exceeds maximum pending invitations per organization.",
	ecloud.CodeRoleAssignmentsInvalidTargetUserID:               "The target user Id is invalid.",
	ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments:       "You are not authorised to add the specified RoleAssignments.",
	ecloud.CodeOrgDomainClaimAlreadyExists:                      "Domain claim already exists.",
	ecloud.CodeOrgDomainClaimConcurrentOrganizationModification: "Concurrent organization modification.",
	ecloud.CodeOrgIdPIdPConfigured:                              "An IdP is configured for the organization.",
	ecloud.CodeOrgIdPIdPNotConfigured:                           "IdP was not configured yet.",
	ecloud.CodeOrgRoleMappingRuleAmbiguousRule:                  "Invalid rule.",
	ecloud.CodeOrgRoleMappingRuleEmailSyntaxError:               "Validation error.",
	ecloud.CodeOrgRoleMappingRuleEmptyRule:                      "Empty rule.",
	ecloud.CodeOrgRoleMappingRuleRoleMappingNotFound:            "Role mapping not found.",
	ecloud.CodeOrgRoleMappingRuleSyntaxError:                    "Validation error.",
	ecloud.CodeOrgRoleMappingRuleTooManyRoleMappings:            "Validation error.",
	ecloud.CodeRootUnauthorized:                                 "You are not authorized to perform this action.",
	ecloud.CodeRootPermissionDenied:                             "You do not have permission to perform this action.",
}

// message is the spec's message for code, or the status text.
func message(code string, status int) string {
	if m, ok := messages[code]; ok {
		return m
	}
	return http.StatusText(status)
}

// apiError is an error answer: a status and the body's errors. The
// x-cloud-error-codes header lists the codes of the errors. reply, when
// set, is the body instead (the spec's 449 of domain-claim-verify-domain is
// an EmptyResponse).
type apiError struct {
	status  int
	details []ecloud.ErrorDetail
	reply   any
}

// add appends an error with code; an empty msg is the spec's message.
func (e *apiError) add(code, msg string, fields ...string) {
	if msg == "" {
		msg = message(code, e.status)
	}
	e.details = append(e.details, detail(code, msg, fields...))
}

func detail(code, msg string, fields ...string) ecloud.ErrorDetail {
	return ecloud.ErrorDetail{Code: code, Message: msg, Fields: fields}
}

// apiErr is an error with one code; an empty msg is the spec's message.
func apiErr(status int, code, msg string, fields ...string) *apiError {
	if msg == "" {
		msg = message(code, status)
	}
	return &apiError{status: status, details: []ecloud.ErrorDetail{detail(code, msg, fields...)}}
}

func invalidData(msg string, fields ...string) *apiError {
	return apiErr(http.StatusBadRequest, ecloud.CodeRootInvalidData, msg, fields...)
}

// injected is the error a fault answers: status, and one body error per
// code, with the spec's message.
func injected(status int, codes []string) *apiError {
	e := &apiError{status: status, details: []ecloud.ErrorDetail{}}
	for _, code := range codes {
		e.details = append(e.details, detail(code, message(code, status)))
	}
	return e
}

// reply is an answer: status, headers and body.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// errorReply is the answer of e: the x-cloud-error-codes header (each code
// once, comma-separated) and the {"errors":[...]} body, or its XML form
// <errors><error><code/><message/><fields><field/></fields></error></errors>
// when asXML.
func errorReply(e *apiError, asXML bool) reply {
	var codes []string
	for _, d := range e.details {
		if d.Code != "" && !slices.Contains(codes, d.Code) {
			codes = append(codes, d.Code)
		}
	}
	var rep reply
	switch {
	case e.reply != nil:
		rep = jsonReply(e.status, e.reply)
	case asXML:
		type xmlError struct {
			Code    string   `xml:"code"`
			Message string   `xml:"message"`
			Fields  []string `xml:"fields>field,omitempty"`
		}
		body := struct {
			XMLName xml.Name   `xml:"errors"`
			Errors  []xmlError `xml:"error"`
		}{}
		for _, d := range e.details {
			body.Errors = append(body.Errors, xmlError(d))
		}
		b, err := xml.Marshal(body)
		if err != nil {
			panic("ecloudtest: encoding an XML error: " + err.Error()) // strings and a list of them always encode
		}
		rep = reply{status: e.status, header: http.Header{"Content-Type": {"application/xml"}}, body: append([]byte(xml.Header), b...)}
	default:
		rep = jsonReply(e.status, map[string]any{"errors": e.details})
	}
	if len(codes) > 0 {
		rep.header.Set("X-Cloud-Error-Codes", strings.Join(codes, ","))
	}
	return rep
}

// jsonReply answers v as JSON, followed by a newline.
func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errors":[{"code":"`+codeUnexpectedError+`","message":"ecloudtest: encoding the response failed"}]}`)
	}
	return reply{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: append(b, '\n')}
}
