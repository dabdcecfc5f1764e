// Package ecloud is an unofficial Go client for the Elastic Cloud and Elastic
// Cloud Enterprise (ECE) Organizations API: organizations, their members and
// their invitations.
package ecloud
