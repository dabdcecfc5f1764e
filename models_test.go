package ecloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tcMarshal encodes v and compares it structurally with want.
func tcMarshal(t *testing.T, v any, want string) {
	t.Helper()
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	tcJSONEqual(t, got, want)
}

// TestModelUpdateOrganizationRequestEncoding: a field left unset is absent; a
// field set to "", false or an empty non-nil list is sent.
func TestModelUpdateOrganizationRequestEncoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		req  UpdateOrganizationRequest
		want string
	}{
		{"nothing set", UpdateOrganizationRequest{}, `{}`},
		{"empty name", UpdateOrganizationRequest{Name: Ptr("")}, `{"name":""}`},
		{"name", UpdateOrganizationRequest{Name: Ptr("Acme")}, `{"name":"Acme"}`},
		{"alerts false", UpdateOrganizationRequest{DefaultDiskUsageAlertsEnabled: Ptr(false)}, `{"default_disk_usage_alerts_enabled":false}`},
		{"alerts true", UpdateOrganizationRequest{DefaultDiskUsageAlertsEnabled: Ptr(true)}, `{"default_disk_usage_alerts_enabled":true}`},
		{"empty domains", UpdateOrganizationRequest{NotificationsAllowedEmailDomains: []string{}}, `{"notifications_allowed_email_domains":[]}`},
		{"empty billing contacts", UpdateOrganizationRequest{BillingContacts: []string{}}, `{"billing_contacts":[]}`},
		{"empty operational contacts", UpdateOrganizationRequest{OperationalContacts: []string{}}, `{"operational_contacts":[]}`},
		{"nil lists are absent", UpdateOrganizationRequest{Name: Ptr("x"), BillingContacts: nil}, `{"name":"x"}`},
		{
			"every field at its zero value",
			UpdateOrganizationRequest{Name: Ptr(""), DefaultDiskUsageAlertsEnabled: Ptr(false), NotificationsAllowedEmailDomains: []string{}, BillingContacts: []string{}, OperationalContacts: []string{}},
			`{"name":"","default_disk_usage_alerts_enabled":false,"notifications_allowed_email_domains":[],"billing_contacts":[],"operational_contacts":[]}`,
		},
		{
			"every field set",
			UpdateOrganizationRequest{Name: Ptr("Acme"), DefaultDiskUsageAlertsEnabled: Ptr(true), NotificationsAllowedEmailDomains: []string{"acme.example"}, BillingContacts: []string{"b@acme.example"}, OperationalContacts: []string{"o@acme.example", "p@acme.example"}},
			`{"name":"Acme","default_disk_usage_alerts_enabled":true,"notifications_allowed_email_domains":["acme.example"],"billing_contacts":["b@acme.example"],"operational_contacts":["o@acme.example","p@acme.example"]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tcMarshal(t, tc.req, tc.want)
		})
	}
}

func TestModelCreateInvitationsRequestEncoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		req  CreateInvitationsRequest
		want string
	}{
		{"emails only", CreateInvitationsRequest{Emails: []string{"a@x.example"}}, `{"emails":["a@x.example"]}`},
		{"expiry", CreateInvitationsRequest{Emails: []string{"a@x.example", "b@x.example"}, ExpiresIn: "7d"}, `{"emails":["a@x.example","b@x.example"],"expires_in":"7d"}`},
		{"empty role assignments object", CreateInvitationsRequest{Emails: []string{"a@x.example"}, RoleAssignments: &RoleAssignments{}}, `{"emails":["a@x.example"],"role_assignments":{}}`},
		{
			"every role kind",
			CreateInvitationsRequest{
				Emails: []string{"a@x.example"},
				RoleAssignments: &RoleAssignments{
					Platform:     []PlatformRoleAssignment{{RoleID: "platform-viewer"}},
					Organization: []OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "o1"}},
					Deployment: []DeploymentRoleAssignment{
						{RoleID: "deployment-admin", OrganizationID: "o1", All: Ptr(true)},
						{RoleID: "deployment-viewer", OrganizationID: "o1", All: Ptr(false), DeploymentIDs: []string{"d1", "d2"}, ApplicationRoles: []string{"viewer"}},
					},
					Project: &ProjectRoleAssignments{
						Elasticsearch: []ProjectRoleAssignment{{RoleID: "elasticsearch-admin", OrganizationID: "o1", ProjectIDs: []string{"p1"}}},
						Observability: []ProjectRoleAssignment{{RoleID: "observability-viewer", OrganizationID: "o1", All: Ptr(true)}},
						Security:      []ProjectRoleAssignment{{RoleID: "security-editor", OrganizationID: "o1", ApplicationRoles: []string{"soc"}}},
					},
				},
			},
			`{"emails":["a@x.example"],"role_assignments":{
				"platform":[{"role_id":"platform-viewer"}],
				"organization":[{"role_id":"billing-admin","organization_id":"o1"}],
				"deployment":[
					{"role_id":"deployment-admin","organization_id":"o1","all":true},
					{"role_id":"deployment-viewer","organization_id":"o1","all":false,"deployment_ids":["d1","d2"],"application_roles":["viewer"]}],
				"project":{
					"elasticsearch":[{"role_id":"elasticsearch-admin","organization_id":"o1","project_ids":["p1"]}],
					"observability":[{"role_id":"observability-viewer","organization_id":"o1","all":true}],
					"security":[{"role_id":"security-editor","organization_id":"o1","application_roles":["soc"]}]}}}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tcMarshal(t, tc.req, tc.want)
		})
	}
}

// TestModelRequiredFieldsAreAlwaysSent: the spec's required properties go out
// even at their zero value.
func TestModelRequiredFieldsAreAlwaysSent(t *testing.T) {
	t.Parallel()
	tcMarshal(t, CreateInvitationsRequest{Emails: []string{}}, `{"emails":[]}`)
	tcMarshal(t, DeploymentRoleAssignment{}, `{"role_id":"","organization_id":""}`)
	tcMarshal(t, ProjectRoleAssignment{}, `{"role_id":"","organization_id":""}`)
	tcMarshal(t, OrganizationRoleAssignment{}, `{"role_id":"","organization_id":""}`)
	tcMarshal(t, PlatformRoleAssignment{}, `{"role_id":""}`)
}

func TestModelDecoding(t *testing.T) {
	t.Parallel()
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	fractional := time.Date(2025, 1, 5, 3, 4, 5, 123456789, time.UTC)
	offset := time.Date(2025, 1, 2, 23, 0, 0, 0, time.UTC) // 2025-01-03T00:00:00+01:00
	for _, tc := range []struct {
		name string
		json string
		into func() any
		want any
	}{
		{
			"Organization with sso_login_identifier and unknown fields",
			`{"id":"o1","name":"Acme","sso_login_identifier":"acme-sso","default_disk_usage_alerts_enabled":false,
			  "billing_contacts":[],"brand_new":{"nested":[1,2]},"another":null}`,
			func() any { return new(Organization) },
			&Organization{ID: "o1", Name: "Acme", SSOLoginIdentifier: "acme-sso", DefaultDiskUsageAlertsEnabled: Ptr(false), BillingContacts: []string{}},
		},
		{
			"OrganizationList with next_page",
			`{"organizations":[{"id":"o1","name":"A"}],"next_page":"abc"}`,
			func() any { return new(OrganizationList) },
			&OrganizationList{Organizations: []Organization{{ID: "o1", Name: "A"}}, NextPage: "abc"},
		},
		{
			"OrganizationInvitation date-times",
			`{"token":"t","email":"e@x.example","created_at":"2025-01-02T03:04:05Z","expires_at":"2025-01-05T03:04:05.123456789Z",
			  "accepted_at":"2025-01-03T00:00:00+01:00","expired":true,"organization":{"id":"o1","name":"A"}}`,
			func() any { return new(OrganizationInvitation) },
			&OrganizationInvitation{Token: "t", Email: "e@x.example", CreatedAt: created, ExpiresAt: fractional, AcceptedAt: &offset, Expired: true, Organization: Organization{ID: "o1", Name: "A"}},
		},
		{
			"OrganizationInvitation not accepted: absent accepted_at",
			`{"token":"t","email":"e","created_at":"2025-01-02T03:04:05Z","expires_at":"2025-01-02T03:04:05Z","expired":false,"organization":{"id":"o1","name":"A"}}`,
			func() any { return new(OrganizationInvitation) },
			&OrganizationInvitation{Token: "t", Email: "e", CreatedAt: created, ExpiresAt: created, Organization: Organization{ID: "o1", Name: "A"}},
		},
		{
			"OrganizationInvitation not accepted: null accepted_at",
			`{"token":"t","email":"e","created_at":"2025-01-02T03:04:05Z","expires_at":"2025-01-02T03:04:05Z","accepted_at":null,"expired":false,"organization":{"id":"o1","name":"A"}}`,
			func() any { return new(OrganizationInvitation) },
			&OrganizationInvitation{Token: "t", Email: "e", CreatedAt: created, ExpiresAt: created, Organization: Organization{ID: "o1", Name: "A"}},
		},
		{
			"OrganizationMembership",
			`{"organization_id":"o1","user_id":"u1","name":"Ada","email":"a@x.example","member_since":"2025-01-02T03:04:05Z",
			  "role_assignments":{"platform":[{"role_id":"platform-admin","extra":1}]}}`,
			func() any { return new(OrganizationMembership) },
			&OrganizationMembership{OrganizationID: "o1", UserID: "u1", Name: "Ada", Email: "a@x.example", MemberSince: created,
				RoleAssignments: &RoleAssignments{Platform: []PlatformRoleAssignment{{RoleID: "platform-admin"}}}},
		},
		{
			"ErrorDetail with fields",
			`{"code":"root.invalid_data","message":"bad","fields":["emails[0]"],"unknown":true}`,
			func() any { return new(ErrorDetail) },
			&ErrorDetail{Code: "root.invalid_data", Message: "bad", Fields: []string{"emails[0]"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.into()
			if err := json.Unmarshal([]byte(tc.json), got); err != nil {
				t.Fatalf("decoding: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestModelDateTimesAreTimes pins the Go types the issue asks for: required
// date-times are time.Time, the optional accepted_at a *time.Time.
func TestModelDateTimesAreTimes(t *testing.T) {
	t.Parallel()
	var inv OrganizationInvitation
	var m OrganizationMembership
	var _ time.Time = inv.CreatedAt
	var _ time.Time = inv.ExpiresAt
	var _ *time.Time = inv.AcceptedAt
	var _ time.Time = m.MemberSince
	// A date-time that is not RFC 3339 is a decode error, not a zero time.
	err := json.Unmarshal([]byte(`{"created_at":"yesterday"}`), &inv)
	if err == nil {
		t.Errorf("decoding created_at \"yesterday\" succeeded: %v", inv.CreatedAt)
	}
}

// TestModelInvitationPrintsNoToken: an invitation printed with any fmt
// verb, as a value, a pointer or in a slice, or logged with slog's text or
// JSON handler, shows its token as [redacted] and its other fields as
// before; JSON encoding keeps the token.
func TestModelInvitationPrintsNoToken(t *testing.T) {
	t.Parallel()
	const token = "tok-0123456789abcdef"
	inv := OrganizationInvitation{Token: token, Email: "ada@example.com", Organization: Organization{ID: "org-1"}}
	var texts []string
	for _, v := range []any{inv, &inv, []OrganizationInvitation{inv, inv}, []*OrganizationInvitation{&inv}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%20v"} {
			texts = append(texts, fmt.Sprintf(verb, v))
		}
		texts = append(texts, fmt.Sprint(v), fmt.Sprintln(v))
	}
	var text, jsonLog bytes.Buffer
	for _, l := range []*slog.Logger{slog.New(slog.NewTextHandler(&text, nil)), slog.New(slog.NewJSONHandler(&jsonLog, nil))} {
		l.Info("invited", "invitation", inv, "pointer", &inv)
		l.Info("invited", slog.Group("g", "invitation", inv))
	}
	slog.New(slog.NewTextHandler(&text, nil)).Info("invited", "invitations", []OrganizationInvitation{inv})
	texts = append(texts, text.String(), jsonLog.String())
	for _, s := range texts {
		if strings.Contains(s, token) || !strings.Contains(s, "ada@example.com") && !strings.Contains(s, "0x") {
			t.Errorf("printed with its token, or without its other fields: %s", s)
		}
	}
	for _, want := range []string{`ecloud.OrganizationInvitation{Token:"[redacted]", Email:"ada@example.com"`, `{Token:[redacted] Email:ada@example.com `} {
		if s := fmt.Sprintf("%#v %+v", inv, inv); !strings.Contains(s, want) {
			t.Errorf("printed %s, want %s", s, want)
		}
	}
	if want := `"invitation":{"token":"[redacted]","email":"ada@example.com",`; !strings.Contains(jsonLog.String(), want) {
		t.Errorf("the JSON log line %s lacks %s", jsonLog.String(), want)
	}
	if b, _ := json.Marshal([]OrganizationInvitation{inv}); !bytes.Contains(b, []byte(`"token":"`+token+`"`)) {
		t.Errorf("JSON encoding lost the token: %s", b)
	}
	if empty := fmt.Sprintf("%+v", OrganizationInvitation{}); !strings.Contains(empty, "{Token: Email:") {
		t.Errorf("an invitation without a token prints %s", empty)
	}
}

func TestModelPtr(t *testing.T) {
	t.Parallel()
	b := Ptr(false)
	if b == nil || *b != false {
		t.Fatalf("Ptr(false) = %v", b)
	}
	s := "name"
	p := Ptr(s)
	if *p != "name" {
		t.Errorf("*Ptr(%q) = %q", s, *p)
	}
	*p = "changed"
	if s != "name" {
		t.Error("Ptr returned a pointer to the caller's variable, not to a copy")
	}
	if p1, p2 := Ptr(1), Ptr(1); p1 == p2 {
		t.Error("two Ptr calls returned the same pointer")
	}
}

// TestModelCheckNamesWhatIsMissing: the check of each answer of the SSO
// operations, decoded from a 2xx body, names the first required property the
// body lacks and passes a complete one.
func TestModelCheckNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	type checker interface{ check() error }
	for _, tc := range []struct {
		name string
		into func() checker
		body string
		want string // "" for no error
	}{
		{"domains absent", func() checker { return new(domainClaims) }, `{}`, "lacks domains"},
		{"domains null", func() checker { return new(domainClaims) }, `{"domains":null}`, "lacks domains"},
		{"domains empty", func() checker { return new(domainClaims) }, `{"domains":[]}`, ""},
		{"verification absent", func() checker { return new(verificationCode) }, `{"other":"x"}`, "lacks verification"},
		{"verification empty", func() checker { return new(verificationCode) }, `{"verification":""}`, "lacks verification"},
		{"verification", func() checker { return new(verificationCode) }, `{"verification":"v"}`, ""},
		{"mappings absent", func() checker { return new(roleMappings) }, `{}`, "lacks mappings"},
		{"a mapping without a name", func() checker { return new(roleMappings) }, `{"mappings":[{"name":"a"},{"enabled":true},{"name":""}]}`,
			"lacks mappings[1].name"},
		{"mappings", func() checker { return new(roleMappings) }, `{"mappings":[` + tcAdminsMappingJSON + `]}`, ""},
		{"no mappings", func() checker { return new(roleMappings) }, `{"mappings":[]}`, ""},
		{"deleted absent", func() checker { return new(deletedRoleMappings) }, `{}`, "lacks mappings"},
		{"deleted none", func() checker { return new(deletedRoleMappings) }, `{"mappings":[]}`, ""},
		{"IdP", func() checker { return new(OrganizationIdP) }, tcIdPJSON, ""},
		{"IdP empty", func() checker { return new(OrganizationIdP) }, `{}`, "lacks login_identifier"},
		{"IdP without its SP details", func() checker { return new(OrganizationIdP) },
			`{"login_identifier":"l","sso_login_url":"u","metadata_url":"m","signing_certificate":[],"encryption_certificate":[],"configuration":` + tcIdPConfigJSON + `}`,
			"lacks acs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := tc.into()
			if err := json.Unmarshal([]byte(tc.body), v); err != nil {
				t.Fatal(err)
			}
			err := v.check()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("check() = %v, want nil", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("check() = %v, want %q", err, tc.want)
			}
		})
	}
}
