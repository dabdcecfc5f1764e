package ecloud

import (
	"strconv"
	"time"
)

// Required fields of success bodies. A 2xx answer that decodes but lacks what
// the spec marks required for the operation (a 200 of null or {}, or another
// operation's object) is an error naming the first field missing, not a zero
// value. The request path (do) calls checkRequired on every decoded body; a
// model opts in by having a check method, which names its required fields:
//
//	func (o *Organization) check() error { return require(o.ID != "", "id") }
//
// and a wrapper checks its list with checkList. encoding/json cannot tell a
// missing field from its zero value, so strings count as missing when empty,
// times when zero, and lists when missing or null ([] is an empty list).
// Role assignments are optional, but each one present must have what the
// spec requires of it: its role_id, and the organization_id of one scoped to
// an organization. Not checked: booleans (an invitation's expired), whose
// zero value is valid; names, which the SDK does not need and a server may
// leave empty; objects, which cannot be told missing (a role mapping's rule
// and role assignments); and the property rules of a role mapping, of which
// the spec requires no field.
//
// The elements of lists are also checked while a body is decoded, when its
// lists could cost much memory (decode.go): there, a list ends at its first
// element that lacks a required field.
type checker interface{ check() error }

func checkRequired(out any) error {
	if c, ok := out.(checker); ok {
		return c.check()
	}
	return nil
}

// missingError names a required field a success body lacks, as a path such
// as "invitations[3].organization.id".
type missingError struct{ path string }

func (e *missingError) Error() string { return "lacks " + e.path }

// require returns a missingError for name unless present.
func require(present bool, name string) error {
	if present {
		return nil
	}
	return &missingError{name}
}

// within prefixes the path of a missingError from a nested value with name.
func within(name string, err error) error {
	if e, ok := err.(*missingError); ok {
		return &missingError{name + "." + e.path}
	}
	return err
}

// checkList checks a required list and each of its elements.
func checkList[T any, P interface {
	*T
	checker
}](name string, list []T) error {
	if list == nil {
		return &missingError{name}
	}
	return checkElements[T, P](name, list)
}

// checkElements checks each element of a list, which may be missing.
func checkElements[T any, P interface {
	*T
	checker
}](name string, list []T) error {
	for i := range list {
		if err := P(&list[i]).check(); err != nil {
			return within(name+"["+strconv.Itoa(i)+"]", err)
		}
	}
	return nil
}

func requireTime(t time.Time, name string) error { return require(!t.IsZero(), name) }

func (o *Organization) check() error { return require(o.ID != "", "id") }

func (l *OrganizationList) check() error { return checkList("organizations", l.Organizations) }

func (inv *OrganizationInvitation) check() error {
	return firstError(
		require(inv.Token != "", "token"),
		require(inv.Email != "", "email"),
		requireTime(inv.CreatedAt, "created_at"),
		requireTime(inv.ExpiresAt, "expires_at"),
		within("organization", inv.Organization.check()),
		within("role_assignments", inv.RoleAssignments.check()),
	)
}

func (m *OrganizationMembership) check() error {
	return firstError(
		require(m.OrganizationID != "", "organization_id"),
		require(m.UserID != "", "user_id"),
		requireTime(m.MemberSince, "member_since"),
		within("role_assignments", m.RoleAssignments.check()),
	)
}

func (w *organizationInvitations) check() error { return checkList("invitations", w.Invitations) }

func (w *organizationMemberships) check() error { return checkList("members", w.Members) }

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *domainClaims) check() error { return require(d.Domains != nil, "domains") }

func (v *verificationCode) check() error { return require(v.Verification != "", "verification") }

func (m *RoleMapping) check() error {
	return firstError(require(m.Name != "", "name"), within("role_assignments", m.RoleAssignments.check()))
}

// check checks the role assignments, which may be missing (nil).
func (r *RoleAssignments) check() error {
	if r == nil {
		return nil
	}
	return firstError(
		checkElements("platform", r.Platform),
		checkElements("organization", r.Organization),
		checkElements("deployment", r.Deployment),
		within("project", r.Project.check()),
	)
}

func (p *ProjectRoleAssignments) check() error {
	if p == nil {
		return nil
	}
	return firstError(
		checkElements("elasticsearch", p.Elasticsearch),
		checkElements("observability", p.Observability),
		checkElements("security", p.Security),
		checkElements("workplaceai", p.WorkplaceAI),
		checkElements("vectordb", p.VectorDB),
	)
}

func (a *PlatformRoleAssignment) check() error { return require(a.RoleID != "", "role_id") }

func (a *OrganizationRoleAssignment) check() error { return scoped(a.RoleID, a.OrganizationID) }

func (a *DeploymentRoleAssignment) check() error { return scoped(a.RoleID, a.OrganizationID) }

func (a *ProjectRoleAssignment) check() error { return scoped(a.RoleID, a.OrganizationID) }

// scoped checks a role assignment scoped to an organization.
func scoped(roleID, organizationID string) error {
	return firstError(require(roleID != "", "role_id"), require(organizationID != "", "organization_id"))
}

func (m *roleMappings) check() error { return checkList("mappings", m.Mappings) }

func (d *deletedRoleMappings) check() error { return require(d.Mappings != nil, "mappings") }

func (p *OrganizationIdP) check() error {
	saml := p.Configuration.SAMLIdP
	return firstError(
		require(p.LoginIdentifier != "", "login_identifier"),
		require(p.SSOLoginURL != "", "sso_login_url"),
		require(p.MetadataURL != "", "metadata_url"),
		require(p.ACS != "", "acs"),
		require(p.SPEntityID != "", "sp_entity_id"),
		require(p.SigningCertificate != nil, "signing_certificate"),
		require(p.EncryptionCertificate != nil, "encryption_certificate"),
		require(p.Configuration.LoginIdentifierPrefix != "", "configuration.login_identifier_prefix"),
		require(saml.PublicCertificate != nil, "configuration.saml_idp.public_certificate"),
		require(saml.Issuer != "", "configuration.saml_idp.issuer"),
		require(saml.SSOURL != "", "configuration.saml_idp.sso_url"),
	)
}
