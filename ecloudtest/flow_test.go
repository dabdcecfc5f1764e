package ecloudtest_test

import (
	"testing"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/ecloudtest"
)

func TestInviteAcceptRemove(t *testing.T) {
	t.Parallel()
	srv := ecloudtest.NewServer(t)
	srv.AddOrganization(ecloud.Organization{ID: "org-1", Name: "Acme"})
	srv.AddMember("org-1", ecloud.OrganizationMembership{UserID: "u-owner", Email: "owner@example.com"})
	c, ctx := srv.Client(), t.Context()

	invs, err := c.CreateOrganizationInvitations(ctx, "org-1", ecloud.CreateInvitationsRequest{Emails: []string{"ada@example.com"}})
	if err != nil || len(invs) != 1 {
		t.Fatalf("invite: %v", err)
	}
	if list, err := c.ListOrganizationInvitations(ctx, "org-1"); err != nil || len(list) != 1 || list[0].Expired {
		t.Fatalf("list invitations: %v, %d invitations", err, len(list))
	}
	if err := c.AcceptOrganizationInvitation(ctx, invs[0].Token); err != nil {
		t.Fatal(err)
	}
	members, err := c.ListOrganizationMembers(ctx, "org-1")
	if err != nil || len(members) != 2 || members[1].Email != "ada@example.com" {
		t.Fatalf("members: %v, %+v", err, members)
	}
	if err := c.DeleteOrganizationMemberships(ctx, "org-1", []string{members[1].UserID}, nil); err != nil {
		t.Fatal(err)
	}
	if members, err = c.ListOrganizationMembers(ctx, "org-1"); err != nil || len(members) != 1 {
		t.Fatalf("after removal: %v, %+v", err, members)
	}
}
