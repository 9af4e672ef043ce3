package org

import "github.com/landfall/landfall/internal/localaws/wire"

type moveAccountInput struct {
	AccountID           string `json:"AccountId"`
	SourceParentID      string `json:"SourceParentId"`
	DestinationParentID string `json:"DestinationParentId"`
}

type accountIDInput struct {
	AccountID string `json:"AccountId"`
}

// moveAccount is Organizations' MoveAccount: it answers nothing on success.
func (s *Service) moveAccount(r *wire.Request, in *moveAccountInput) (any, error) {
	if err := requireID("AccountId", in.AccountID, accountIDPattern); err != nil {
		return nil, err
	}
	if err := requireID("SourceParentId", in.SourceParentID, parentIDPattern); err != nil {
		return nil, err
	}
	if err := requireID("DestinationParentId", in.DestinationParentID, parentIDPattern); err != nil {
		return nil, err
	}
	return struct{}{}, s.org.MoveAccount(r.Caller.ARN, in.AccountID, in.SourceParentID, in.DestinationParentID, r.Now)
}

// closeAccount is Organizations' CloseAccount.
func (s *Service) closeAccount(r *wire.Request, in *accountIDInput) (any, error) {
	if err := requireID("AccountId", in.AccountID, accountIDPattern); err != nil {
		return nil, err
	}
	return struct{}{}, s.org.CloseAccount(r.Caller.ARN, in.AccountID, r.Now)
}

// removeAccount is Organizations' RemoveAccountFromOrganization.
func (s *Service) removeAccount(r *wire.Request, in *accountIDInput) (any, error) {
	if err := requireID("AccountId", in.AccountID, accountIDPattern); err != nil {
		return nil, err
	}
	return struct{}{}, s.org.RemoveAccount(r.Caller.ARN, in.AccountID, r.Now)
}
