package ecloud_test

// Runnable documentation: each Example talks to an httpmock transport
// registered for the exact URL the SDK must call, so it runs offline and its
// output is checked by go test. The README's usage section shows the same
// calls.

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/ecloud-go/ecloud"
)

const tcExampleInvitations = `{"invitations":[
	{"token":"tok-1","email":"ada@example.com","created_at":"2025-01-01T09:00:00Z","expires_at":"2025-01-04T09:00:00Z",
	 "expired":false,"organization":{"id":"org-1","name":"Acme"}},
	{"token":"tok-2","email":"bob@example.com","created_at":"2024-11-01T09:00:00Z","expires_at":"2024-11-04T09:00:00Z",
	 "expired":true,"organization":{"id":"org-1","name":"Acme"}}]}`

// tcExampleClient is an API-key client for Elastic Cloud whose requests go
// to mock instead of the network. Retries are off so that a request the mock
// does not expect fails the example at once instead of backing off.
func tcExampleClient(mock *httpmock.MockTransport) *ecloud.Client {
	client, err := ecloud.NewClient(
		ecloud.WithAPIKey("my-api-key"),
		ecloud.WithHTTPClient(&http.Client{Transport: mock}),
		ecloud.WithRetryPolicy(ecloud.RetryPolicy{MaxRetries: 0}),
	)
	if err != nil {
		log.Fatal(err)
	}
	return client
}

// tcPrintSent answers status and reply after printing the body the SDK
// sent, so that an Example's output shows it.
func tcPrintSent(status int, reply string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		body, _ := io.ReadAll(req.Body)
		fmt.Printf("sent %s\n", body)
		return httpmock.NewStringResponse(status, reply), nil
	}
}

func ExampleNewClient() {
	// In a program: ecloud.NewClient(ecloud.WithAPIKey(os.Getenv("EC_API_KEY"))).
	client, err := ecloud.NewClient(ecloud.WithAPIKey("my-api-key"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// Output:
	// https://api.elastic-cloud.com/api/v1
}

func ExampleWithBasicAuth() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://ece.example.com:12443/api/v1/organizations",
		httpmock.NewStringResponder(200, `{"organizations":[{"id":"org-1","name":"Acme"}]}`))

	// ECE: the address of the installation ("/api/v1" is added) and a user.
	client, err := ecloud.NewClient(
		ecloud.WithBaseURL("https://ece.example.com:12443"),
		ecloud.WithBasicAuth("admin", "password"),
		ecloud.WithHTTPClient(&http.Client{Transport: mock}), // only for this offline example
	)
	if err != nil {
		log.Fatal(err)
	}
	list, err := client.ListOrganizations(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL(), list.Organizations[0].Name)
	// Output:
	// https://ece.example.com:12443/api/v1 Acme
}

func ExampleClient_ListOrganizations() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations",
		httpmock.NewStringResponder(200, `{"organizations":[{"id":"org-1","name":"Acme"}]}`))
	client := tcExampleClient(mock)

	list, err := client.ListOrganizations(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, org := range list.Organizations {
		fmt.Println(org.ID, org.Name)
	}
	if list.NextPage != "" {
		// The API has more, but list-organizations takes no cursor: no call
		// fetches them.
		fmt.Println("(and more organizations than the API listed)")
	}
	// Output:
	// org-1 Acme
}

func ExampleClient_GetOrganization() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1",
		httpmock.NewStringResponder(200, `{"id":"org-1","name":"Acme","billing_contacts":["billing@example.com"]}`))
	client := tcExampleClient(mock)

	org, err := client.GetOrganization(context.Background(), "org-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Name, org.BillingContacts)
	// Output:
	// Acme [billing@example.com]
}

func ExampleClient_UpdateOrganization() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPut, "https://api.elastic-cloud.com/api/v1/organizations/org-1",
		tcPrintSent(200, `{"id":"org-1","name":"Acme Corp","default_disk_usage_alerts_enabled":false}`))
	client := tcExampleClient(mock)

	// Only the fields you set are sent; false, "" and empty lists are sent too.
	org, err := client.UpdateOrganization(context.Background(), "org-1", ecloud.UpdateOrganizationRequest{
		Name:                          ecloud.Ptr("Acme Corp"),
		DefaultDiskUsageAlertsEnabled: ecloud.Ptr(false),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(org.Name)
	// Output:
	// sent {"name":"Acme Corp","default_disk_usage_alerts_enabled":false}
	// Acme Corp
}

func ExampleClient_ListOrganizationMembers() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/members",
		httpmock.NewStringResponder(200, `{"members":[{"organization_id":"org-1","user_id":"u-1","email":"ada@example.com","member_since":"2024-05-01T12:00:00Z"}]}`))
	client := tcExampleClient(mock)

	members, err := client.ListOrganizationMembers(context.Background(), "org-1")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range members {
		fmt.Println(m.UserID, m.Email, m.MemberSince.Format(time.DateOnly))
	}
	// Output:
	// u-1 ada@example.com 2024-05-01
}

func ExampleClient_DeleteOrganizationMemberships() {
	mock := httpmock.NewMockTransport()
	// The user IDs travel as one path segment, the comma escaped as %2C.
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/organizations/org-1/members/u-1%2Cu-2?force=true",
		httpmock.NewStringResponder(200, `{}`))
	client := tcExampleClient(mock)

	err := client.DeleteOrganizationMemberships(context.Background(), "org-1", []string{"u-1", "u-2"},
		&ecloud.DeleteMembershipsOptions{Force: ecloud.Ptr(true)}) // nil options send no force parameter
	fmt.Println("removed:", err == nil)
	// Output:
	// removed: true
}

func ExampleClient_ListOrganizationInvitations() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/invitations",
		httpmock.NewStringResponder(200, tcExampleInvitations))
	client := tcExampleClient(mock)

	invitations, err := client.ListOrganizationInvitations(context.Background(), "org-1")
	if err != nil {
		log.Fatal(err)
	}
	for _, inv := range invitations {
		fmt.Printf("%s expires %s (expired: %t)\n", inv.Email, inv.ExpiresAt.Format(time.DateOnly), inv.Expired)
	}
	// Output:
	// ada@example.com expires 2025-01-04 (expired: false)
	// bob@example.com expires 2024-11-04 (expired: true)
}

func ExampleClient_CreateOrganizationInvitations() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/organizations/org-1/invitations",
		tcPrintSent(201, `{"invitations":[{"token":"tok-3","email":"cy@example.com",
				"created_at":"2025-02-01T00:00:00Z","expires_at":"2025-02-08T00:00:00Z","expired":false,
				"organization":{"id":"org-1","name":"Acme"}}]}`))
	client := tcExampleClient(mock)

	invitations, err := client.CreateOrganizationInvitations(context.Background(), "org-1", ecloud.CreateInvitationsRequest{
		Emails:    []string{"cy@example.com"},
		ExpiresIn: "7d",
		RoleAssignments: &ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "billing-admin", OrganizationID: "org-1"}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, inv := range invitations {
		fmt.Println(inv.Email, "invited until", inv.ExpiresAt.Format(time.DateOnly))
	}
	// Output:
	// sent {"emails":["cy@example.com"],"expires_in":"7d","role_assignments":{"organization":[{"role_id":"billing-admin","organization_id":"org-1"}]}}
	// cy@example.com invited until 2025-02-08
}

func ExampleClient_GetOrganizationInvitation() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/invitations/tok-1",
		httpmock.NewStringResponder(200, `{"token":"tok-1","email":"ada@example.com","created_at":"2025-01-01T09:00:00Z",
			"expires_at":"2025-01-04T09:00:00Z","expired":false,"organization":{"id":"org-1","name":"Acme"}}`))
	client := tcExampleClient(mock)

	inv, err := client.GetOrganizationInvitation(context.Background(), "tok-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inv.Email, "to join", inv.Organization.Name, "accepted:", inv.AcceptedAt != nil)
	// Output:
	// ada@example.com to join Acme accepted: false
}

func ExampleClient_AcceptOrganizationInvitation() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/organizations/invitations/tok-1/_accept",
		httpmock.NewStringResponder(200, `{}`))
	client := tcExampleClient(mock)

	if err := client.AcceptOrganizationInvitation(context.Background(), "tok-1"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("accepted")
	// Output:
	// accepted
}

func ExampleClient_DeleteOrganizationInvitations() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/organizations/org-1/invitations/tok-1%2Ctok-2",
		httpmock.NewStringResponder(200, `{}`))
	client := tcExampleClient(mock)

	if err := client.DeleteOrganizationInvitations(context.Background(), "org-1", []string{"tok-1", "tok-2"}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("revoked", mock.GetTotalCallCount(), "request")
	// Output:
	// revoked 1 request
}

func ExampleClient_AddRoleAssignments() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/users/u-1/role_assignments",
		tcPrintSent(200, `{}`))
	client := tcExampleClient(mock)

	// Viewer on two deployments; the user's other roles stay.
	err := client.AddRoleAssignments(context.Background(), "u-1", ecloud.RoleAssignments{
		Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d-1", "d-2"}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("added")
	// Output:
	// sent {"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","deployment_ids":["d-1","d-2"]}]}
	// added
}

func ExampleClient_RemoveRoleAssignments() {
	mock := httpmock.NewMockTransport()
	// A DELETE with a JSON body.
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/users/u-1/role_assignments",
		tcPrintSent(200, `{}`))
	client := tcExampleClient(mock)

	// Viewer on d-1 only: a viewer role on d-2 stays.
	err := client.RemoveRoleAssignments(context.Background(), "u-1", ecloud.RoleAssignments{
		Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d-1"}},
		},
	}, nil) // nil options send no force parameter
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("removed")
	// Output:
	// sent {"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","deployment_ids":["d-1"]}]}
	// removed
}

func ExampleClient_RemoveRoleAssignments_refused() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/users/u-1/role_assignments?force=true",
		httpmock.NewStringResponder(403, `{"errors":[{"code":"role_assignments.unauthorized_role_assignments",
			"message":"You are not authorised to remove the specified RoleAssignments."}]}`).
			HeaderSet(http.Header{"X-Cloud-Error-Codes": {"role_assignments.unauthorized_role_assignments"}}))
	client := tcExampleClient(mock)

	err := client.RemoveRoleAssignments(context.Background(), "u-1", ecloud.RoleAssignments{
		Deployment: []ecloud.DeploymentRoleAssignment{
			{RoleID: "deployment-viewer", OrganizationID: "org-1", DeploymentIDs: []string{"d-deleted"}},
		},
	}, &ecloud.RemoveRoleAssignmentsOptions{Force: ecloud.Ptr(true)})
	switch {
	case ecloud.HasCode(err, ecloud.CodeRoleAssignmentsUnauthorizedRoleAssignments):
		// The live API answers this for a deployment that was deleted or that
		// the caller cannot see.
		fmt.Println("refused:", errors.Is(err, ecloud.ErrForbidden))
	case ecloud.HasCode(err, ecloud.CodeRoleAssignmentsInvalidTargetUserID):
		fmt.Println("no such user")
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// refused: true
}

func ExampleClient_ListDomainClaims() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/domains",
		httpmock.NewStringResponder(200, `{"domains":["example.com","example.org"]}`))
	client := tcExampleClient(mock)

	domains, err := client.ListDomainClaims(context.Background(), "org-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(domains)
	// Output:
	// [example.com example.org]
}

func ExampleClient_GenerateDomainVerificationCode() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/organizations/org-1/domains/_generate_verification_code",
		tcPrintSent(200, `{"verification":"elastic-verification=4f1c2b"}`))
	client := tcExampleClient(mock)

	code, err := client.GenerateDomainVerificationCode(context.Background(), "org-1", "example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("publish a TXT record on example.com:", code)
	// Output:
	// sent {"domain_claim_request":"example.com"}
	// publish a TXT record on example.com: elastic-verification=4f1c2b
}

func ExampleClient_VerifyDomainClaim() {
	mock := httpmock.NewMockTransport()
	// DNS takes a while: the first two checks answer 449, the third claims.
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/organizations/org-1/domains/_verify",
		httpmock.ResponderFromMultipleResponses([]*http.Response{
			httpmock.NewStringResponse(449, `{}`),
			httpmock.NewStringResponse(449, `{}`),
			httpmock.NewStringResponse(200, `{}`),
		}))
	client := tcExampleClient(mock)

	// Poll, bounded by the context: 449 means "not yet, ask again later".
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for {
		err := client.VerifyDomainClaim(ctx, "org-1", "example.com")
		if err == nil {
			break
		}
		if !errors.Is(err, ecloud.ErrVerificationPending) {
			log.Fatal(err) // refused, or ctx ended
		}
		fmt.Println("not visible yet")
		select {
		case <-ctx.Done():
			log.Fatal(ctx.Err())
		case <-time.After(10 * time.Millisecond): // in a real program: 30 s or so
		}
	}
	fmt.Println("example.com claimed")
	// Output:
	// not visible yet
	// not visible yet
	// example.com claimed
}

func ExampleClient_DeleteDomainClaim() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/organizations/org-1/domains",
		httpmock.NewStringResponder(400, `{"errors":[{"code":"org.idp.idp_configured","message":"An IdP is configured for the organization."}]}`).
			HeaderSet(http.Header{"X-Cloud-Error-Codes": {"org.idp.idp_configured"}}))
	client := tcExampleClient(mock)

	// A DELETE with a JSON body; refused while the organization has an IdP.
	err := client.DeleteDomainClaim(context.Background(), "org-1", "example.com")
	switch {
	case ecloud.HasCode(err, ecloud.CodeOrgIdPIdPConfigured):
		fmt.Println("tear the IdP down first")
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// tear the IdP down first
}

// tcExampleIdP is the organization IdP the IdP examples answer.
const tcExampleIdP = `{"login_identifier":"acme-1234","sso_login_url":"https://cloud.elastic.co/sso/login/acme-1234",
	"metadata_url":"https://api.elastic-cloud.com/api/v1/organizations/org-1/idp/metadata.xml",
	"acs":"https://cloud.elastic.co/saml/acs/acme-1234","sp_entity_id":"https://cloud.elastic.co/saml/acme-1234",
	"signing_certificate":["MIIB..."],"encryption_certificate":["MIIB..."],
	"configuration":{"enabled":true,"login_identifier_prefix":"acme",
	 "saml_idp":{"issuer":"https://idp.example.com","sso_url":"https://idp.example.com/sso","public_certificate":["MIIC..."]}}}`

func ExampleClient_GetOrganizationIdP() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/idp",
		httpmock.NewStringResponder(200, tcExampleIdP))
	client := tcExampleClient(mock)

	idp, err := client.GetOrganizationIdP(context.Background(), "org-1")
	if errors.Is(err, ecloud.ErrNotFound) { // CodeOrgIdPIdPNotConfigured
		fmt.Println("no IdP")
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(idp.LoginIdentifier, idp.Configuration.Enabled, idp.Configuration.SAMLIdP.Issuer)
	// Output:
	// acme-1234 true https://idp.example.com
}

func ExampleClient_SetupOrganizationIdP() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPut, "https://api.elastic-cloud.com/api/v1/organizations/org-1/idp",
		tcPrintSent(200, tcExampleIdP))
	client := tcExampleClient(mock)

	idp, err := client.SetupOrganizationIdP(context.Background(), "org-1", ecloud.IdPConfiguration{
		Enabled:               true,
		LoginIdentifierPrefix: "acme",
		SAMLIdP: ecloud.SAMLIdP{
			Issuer:            "https://idp.example.com",
			SSOURL:            "https://idp.example.com/sso",
			PublicCertificate: []string{"MIIC..."}, // the IdP's signing certificate
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	// What to configure in the IdP:
	fmt.Println("entity ID:", idp.SPEntityID)
	fmt.Println("ACS URL:", idp.ACS)
	// Output:
	// sent {"enabled":true,"login_identifier_prefix":"acme","saml_idp":{"public_certificate":["MIIC..."],"issuer":"https://idp.example.com","sso_url":"https://idp.example.com/sso"}}
	// entity ID: https://cloud.elastic.co/saml/acme-1234
	// ACS URL: https://cloud.elastic.co/saml/acs/acme-1234
}

func ExampleClient_TeardownOrganizationIdP() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/organizations/org-1/idp",
		httpmock.NewStringResponder(200, `{}`))
	client := tcExampleClient(mock)

	if err := client.TeardownOrganizationIdP(context.Background(), "org-1"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("IdP removed")
	// Output:
	// IdP removed
}

func ExampleClient_GetOrganizationIdPMetadata() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/idp/metadata.xml",
		func(req *http.Request) (*http.Response, error) {
			fmt.Println("Accept:", req.Header.Get("Accept"))
			return httpmock.NewStringResponse(200, `<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://cloud.elastic.co/saml/acme-1234">
  <SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://cloud.elastic.co/saml/acs/acme-1234" index="1"/>
  </SPSSODescriptor>
</EntityDescriptor>`), nil
		})
	client := tcExampleClient(mock)

	metadata, err := client.GetOrganizationIdPMetadata(context.Background(), "org-1")
	if err != nil {
		log.Fatal(err)
	}
	// The document as served: load it into the IdP, or read it.
	var sp struct {
		EntityID string `xml:"entityID,attr"`
		ACS      struct {
			Location string `xml:"Location,attr"`
		} `xml:"SPSSODescriptor>AssertionConsumerService"`
	}
	if err := xml.Unmarshal(metadata, &sp); err != nil {
		log.Fatal(err)
	}
	fmt.Println(sp.EntityID, sp.ACS.Location)
	// Output:
	// Accept: application/xml
	// https://cloud.elastic.co/saml/acme-1234 https://cloud.elastic.co/saml/acs/acme-1234
}

func ExampleClient_ListRoleMappings() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/org-1/role_mappings",
		httpmock.NewStringResponder(200, `{"mappings":[{"name":"admins","enabled":true,"rule":{"any":[{"group":"cloud-admins"}]},
			"role_assignments":{"organization":[{"role_id":"organization-admin","organization_id":"org-1"}]}}]}`))
	client := tcExampleClient(mock)

	mappings, err := client.ListRoleMappings(context.Background(), "org-1")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range mappings {
		fmt.Println(m.Name, m.Enabled, m.Rule.Any[0].Group, m.RoleAssignments.Organization[0].RoleID)
	}
	// Output:
	// admins true cloud-admins organization-admin
}

func ExampleClient_AddRoleMappings() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/organizations/org-1/role_mappings",
		tcPrintSent(201, `{}`))
	client := tcExampleClient(mock)

	// Members of the IdP group cloud-admins, or anyone at ops.example.com,
	// become organization admins when they sign in.
	err := client.AddRoleMappings(context.Background(), "org-1", []ecloud.RoleMapping{{
		Name:    "admins",
		Enabled: true,
		Rule: ecloud.RoleMappingRule{Any: []ecloud.RoleMappingPropertyRule{
			{Group: "cloud-admins"},
			{Email: "*@ops.example.com"},
		}},
		RoleAssignments: ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-1"}},
		},
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("added")
	// Output:
	// sent {"mappings":[{"enabled":true,"name":"admins","rule":{"any":[{"group":"cloud-admins"},{"email":"*@ops.example.com"}]},"role_assignments":{"organization":[{"role_id":"organization-admin","organization_id":"org-1"}]}}]}
	// added
}

func ExampleClient_UpdateRoleMappings() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPut, "https://api.elastic-cloud.com/api/v1/organizations/org-1/role_mappings",
		tcPrintSent(200, `{}`))
	client := tcExampleClient(mock)

	// Replaces every mapping: afterwards, only viewers exists.
	err := client.UpdateRoleMappings(context.Background(), "org-1", []ecloud.RoleMapping{{
		Name:    "viewers",
		Enabled: true,
		Rule:    ecloud.RoleMappingRule{All: []ecloud.RoleMappingPropertyRule{{Group: "staff"}, {Email: "*@example.com"}}},
		RoleAssignments: ecloud.RoleAssignments{
			Deployment: []ecloud.DeploymentRoleAssignment{{RoleID: "deployment-viewer", OrganizationID: "org-1", All: ecloud.Ptr(true)}},
		},
	}})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// sent {"mappings":[{"enabled":true,"name":"viewers","rule":{"all":[{"group":"staff"},{"email":"*@example.com"}]},"role_assignments":{"deployment":[{"role_id":"deployment-viewer","organization_id":"org-1","all":true}]}}]}
}

func ExampleClient_DeleteRoleMappings() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/organizations/org-1/role_mappings",
		httpmock.NewStringResponder(200, `{}`))
	client := tcExampleClient(mock)

	if err := client.DeleteRoleMappings(context.Background(), "org-1"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("every mapping removed")
	// Output:
	// every mapping removed
}

func ExampleClient_UpdateRoleMapping() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPut, "https://api.elastic-cloud.com/api/v1/organizations/org-1/role_mappings/admins",
		tcPrintSent(200, `{}`))
	client := tcExampleClient(mock)

	// Disable the admins mapping, keeping its rule and roles.
	err := client.UpdateRoleMapping(context.Background(), "org-1", "admins", ecloud.RoleMapping{
		Name:    "admins",
		Enabled: false,
		Rule:    ecloud.RoleMappingRule{Any: []ecloud.RoleMappingPropertyRule{{Group: "cloud-admins"}}},
		RoleAssignments: ecloud.RoleAssignments{
			Organization: []ecloud.OrganizationRoleAssignment{{RoleID: "organization-admin", OrganizationID: "org-1"}},
		},
	})
	switch {
	case ecloud.HasCode(err, ecloud.CodeOrgRoleMappingRuleRoleMappingNotFound):
		fmt.Println("no mapping called admins")
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// sent {"mapping":{"enabled":false,"name":"admins","rule":{"any":[{"group":"cloud-admins"}]},"role_assignments":{"organization":[{"role_id":"organization-admin","organization_id":"org-1"}]}}}
}

func ExampleClient_DeleteRoleMappingsByName() {
	mock := httpmock.NewMockTransport()
	// The names travel as one path segment, the comma escaped as %2C.
	mock.RegisterResponder(http.MethodDelete, "https://api.elastic-cloud.com/api/v1/organizations/org-1/role_mappings/admins%2Cviewers",
		httpmock.NewStringResponder(200, `{"mappings":["admins","viewers"]}`))
	client := tcExampleClient(mock)

	deleted, err := client.DeleteRoleMappingsByName(context.Background(), "org-1", []string{"admins", "viewers"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted", deleted)
	// Output:
	// deleted [admins viewers]
}

func ExampleAPIError() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.elastic-cloud.com/api/v1/organizations/no-such-org/invitations",
		httpmock.NewStringResponder(404, `{"errors":[{"code":"organization.not_found","message":"Organization not found"}]}`).
			HeaderSet(http.Header{"X-Cloud-Error-Codes": {"organization.not_found"}}))
	client := tcExampleClient(mock)

	_, err := client.ListOrganizationInvitations(context.Background(), "no-such-org")
	fmt.Println(err)

	// Branch on the status class, on a code, or read every detail.
	fmt.Println("not found:", errors.Is(err, ecloud.ErrNotFound))
	fmt.Println("organization.not_found:", ecloud.HasCode(err, ecloud.CodeOrganizationNotFound))
	var apiErr *ecloud.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Operation, apiErr.Codes, apiErr.Errors[0].Message)
	}
	// Output:
	// ecloud: list-organization-invitations: 404 Not Found: organization.not_found: Organization not found
	// not found: true
	// organization.not_found: true
	// 404 list-organization-invitations [organization.not_found] Organization not found
}

func ExampleHasCode() {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPost, "https://api.elastic-cloud.com/api/v1/organizations/org-1/invitations",
		httpmock.NewStringResponder(400, `{"errors":[{"code":"organization.invitation_already_exists","message":"Already invited"}]}`).
			HeaderSet(http.Header{"X-Cloud-Error-Codes": {"organization.invitation_already_exists"}}))
	client := tcExampleClient(mock)

	_, err := client.CreateOrganizationInvitations(context.Background(), "org-1",
		ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	switch {
	case ecloud.HasCode(err, ecloud.CodeOrganizationInvitationAlreadyExists):
		fmt.Println("already invited; nothing to do")
	case errors.Is(err, ecloud.ErrBadRequest):
		fmt.Println("rejected:", err)
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// already invited; nothing to do
}

func ExampleErrInvalidArgument() {
	client, err := ecloud.NewClient(ecloud.WithAPIKey("my-api-key"))
	if err != nil {
		log.Fatal(err)
	}
	// Refused before any request is sent: an empty list, an empty item or an
	// item containing a comma.
	err = client.DeleteOrganizationInvitations(context.Background(), "org-1", nil)
	fmt.Println(errors.Is(err, ecloud.ErrInvalidArgument))
	// Output:
	// true
}

// fakeInvitations is a hand-written fake: it embeds the interface it
// implements and defines only the method the code under test calls, so a
// method added to ecloud.InvitationsAPI later does not break its build.
type fakeInvitations struct {
	ecloud.InvitationsAPI // left nil: only the methods below may be called

	deleted []string
}

func (f *fakeInvitations) DeleteOrganizationInvitations(ctx context.Context, org string, tokens []string) error {
	f.deleted = append(f.deleted, tokens...)
	return nil
}

// revoke depends on the narrowest interface it needs.
func revoke(ctx context.Context, api ecloud.InvitationsAPI, org string, tokens ...string) error {
	return api.DeleteOrganizationInvitations(ctx, org, tokens)
}

func Example_fakeEmbedsTheInterface() {
	fake := &fakeInvitations{}
	if err := revoke(context.Background(), fake, "org-1", "tok-1", "tok-2"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted", fake.deleted)

	// The real client satisfies the same interface.
	client, err := ecloud.NewClient(ecloud.WithAPIKey("my-api-key"))
	if err != nil {
		log.Fatal(err)
	}
	var _ ecloud.InvitationsAPI = client
	// Output:
	// deleted [tok-1 tok-2]
}
