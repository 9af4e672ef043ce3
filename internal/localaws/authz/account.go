package authz

import (
	"encoding/json"

	"github.com/landfall/landfall/internal/localaws/org"
	"github.com/landfall/landfall/internal/localaws/wire"
)

// accountResource is the account an Account Management request acts on,
// as the Service Authorization Reference's resource types name it: the
// caller's own account (standalone context, no AccountId),
// arn:aws:account::<account>:account, or the member AccountId names
// (organization context), arn:aws:account::<management>:account/<org
// ID>/<member>, the accountInOrganization type. The organization ID
// already starts with "o-".
func accountResource(a *Authorizer, c *call) (string, bool) {
	id := c.member("AccountId")
	prefix := "arn:" + partition(c) + ":account::"
	switch {
	case id == "":
		return prefix + c.r.Caller.Account + ":account", true
	case !org.IsAccountID(id):
		return "", false // the model validator refuses it
	}
	return prefix + a.org.ManagementAccount() + ":account/" + a.org.ID() + "/" + id, true
}

// targetRegion is the RegionName of GetRegionOptStatus, EnableRegion and
// DisableRegion: the account:TargetRegion condition key. An undecodable
// body names none; the model validator has refused it already.
func targetRegion(r *wire.Request) string {
	var in struct{ RegionName string }
	_ = json.Unmarshal(r.Body, &in) // see above
	return in.RegionName
}
