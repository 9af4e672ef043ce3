package catalog

import (
	"strconv"
	"time"
)

// This file holds the JSON shapes of the Service Catalog API as the
// aws-sdk-go-v2 serializers send them and its deserializers read them
// (service/servicecatalog serializers.go, deserializers.go). Field names are
// the wire names; unset optional fields are omitted, as AWS does.

// epochTime is an awsJson timestamp: seconds since the epoch as a JSON
// number, with millisecond precision.
type epochTime time.Time

// MarshalJSON implements json.Marshaler.
func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func stamp(t time.Time) *epochTime {
	if t.IsZero() {
		return nil
	}
	e := epochTime(t)
	return &e
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type tagShape struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type portfolioDetail struct {
	ARN          string     `json:"ARN"`
	CreatedTime  *epochTime `json:"CreatedTime,omitempty"`
	Description  *string    `json:"Description,omitempty"`
	DisplayName  string     `json:"DisplayName"`
	ID           string     `json:"Id"`
	ProviderName *string    `json:"ProviderName,omitempty"`
}

type principalShape struct {
	PrincipalARN  string `json:"PrincipalARN"`
	PrincipalType string `json:"PrincipalType"`
}

type productViewSummary struct {
	Distributor      *string `json:"Distributor,omitempty"`
	HasDefaultPath   bool    `json:"HasDefaultPath"`
	ID               string  `json:"Id"`
	Name             string  `json:"Name"`
	Owner            *string `json:"Owner,omitempty"`
	ProductID        string  `json:"ProductId"`
	ShortDescription *string `json:"ShortDescription,omitempty"`
	SupportEmail     *string `json:"SupportEmail,omitempty"`
	Type             string  `json:"Type"`
}

type productViewDetail struct {
	CreatedTime        *epochTime          `json:"CreatedTime,omitempty"`
	ProductARN         string              `json:"ProductARN"`
	ProductViewSummary *productViewSummary `json:"ProductViewSummary"`
	Status             string              `json:"Status"`
}

type provisioningArtifact struct {
	CreatedTime *epochTime `json:"CreatedTime,omitempty"`
	Description *string    `json:"Description,omitempty"`
	Guidance    string     `json:"Guidance"`
	ID          string     `json:"Id"`
	Name        string     `json:"Name"`
}

type provisioningArtifactDetail struct {
	Active      bool       `json:"Active"`
	CreatedTime *epochTime `json:"CreatedTime,omitempty"`
	Description *string    `json:"Description,omitempty"`
	Guidance    string     `json:"Guidance"`
	ID          string     `json:"Id"`
	Name        string     `json:"Name"`
	Type        string     `json:"Type"`
}

type provisioningArtifactSummary struct {
	CreatedTime *epochTime `json:"CreatedTime,omitempty"`
	Description *string    `json:"Description,omitempty"`
	ID          string     `json:"Id"`
	Name        string     `json:"Name"`
}

type launchPathShape struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

type constraintSummary struct {
	Description *string `json:"Description,omitempty"`
	Type        string  `json:"Type"`
}

type launchPathSummary struct {
	ConstraintSummaries []constraintSummary `json:"ConstraintSummaries"`
	ID                  string              `json:"Id"`
	Name                string              `json:"Name"`
	Tags                []tagShape          `json:"Tags"`
}

type parameterConstraints struct {
	AllowedPattern        *string  `json:"AllowedPattern,omitempty"`
	AllowedValues         []string `json:"AllowedValues,omitempty"`
	ConstraintDescription *string  `json:"ConstraintDescription,omitempty"`
}

type artifactParameter struct {
	DefaultValue         *string               `json:"DefaultValue,omitempty"`
	Description          *string               `json:"Description,omitempty"`
	IsNoEcho             bool                  `json:"IsNoEcho"`
	ParameterConstraints *parameterConstraints `json:"ParameterConstraints"`
	ParameterKey         string                `json:"ParameterKey"`
	ParameterType        string                `json:"ParameterType"`
}

type artifactOutput struct {
	Description *string `json:"Description,omitempty"`
	Key         string  `json:"Key"`
}

type recordError struct {
	Code        string `json:"Code"`
	Description string `json:"Description"`
}

type recordDetail struct {
	CreatedTime            *epochTime    `json:"CreatedTime,omitempty"`
	PathID                 *string       `json:"PathId,omitempty"`
	ProductID              string        `json:"ProductId"`
	ProvisionedProductID   string        `json:"ProvisionedProductId"`
	ProvisionedProductName string        `json:"ProvisionedProductName"`
	ProvisionedProductType string        `json:"ProvisionedProductType"`
	ProvisioningArtifactID string        `json:"ProvisioningArtifactId"`
	RecordErrors           []recordError `json:"RecordErrors"`
	RecordID               string        `json:"RecordId"`
	RecordTags             []tagShape    `json:"RecordTags"`
	RecordType             string        `json:"RecordType"`
	Status                 string        `json:"Status"`
	UpdatedTime            *epochTime    `json:"UpdatedTime,omitempty"`
}

type recordOutput struct {
	Description *string `json:"Description,omitempty"`
	OutputKey   string  `json:"OutputKey"`
	OutputValue string  `json:"OutputValue"`
}

type provisionedProductDetail struct {
	Arn                                string     `json:"Arn"`
	CreatedTime                        *epochTime `json:"CreatedTime,omitempty"`
	ID                                 string     `json:"Id"`
	IdempotencyToken                   string     `json:"IdempotencyToken"`
	LastProvisioningRecordID           *string    `json:"LastProvisioningRecordId,omitempty"`
	LastRecordID                       string     `json:"LastRecordId"`
	LastSuccessfulProvisioningRecordID *string    `json:"LastSuccessfulProvisioningRecordId,omitempty"`
	Name                               string     `json:"Name"`
	ProductID                          string     `json:"ProductId"`
	ProvisioningArtifactID             string     `json:"ProvisioningArtifactId"`
	Status                             string     `json:"Status"`
	StatusMessage                      *string    `json:"StatusMessage,omitempty"`
	Type                               string     `json:"Type"`
}

type provisionedProductAttribute struct {
	Arn                                string     `json:"Arn"`
	CreatedTime                        *epochTime `json:"CreatedTime,omitempty"`
	ID                                 string     `json:"Id"`
	IdempotencyToken                   string     `json:"IdempotencyToken"`
	LastProvisioningRecordID           *string    `json:"LastProvisioningRecordId,omitempty"`
	LastRecordID                       string     `json:"LastRecordId"`
	LastSuccessfulProvisioningRecordID *string    `json:"LastSuccessfulProvisioningRecordId,omitempty"`
	Name                               string     `json:"Name"`
	PhysicalID                         string     `json:"PhysicalId"`
	ProductID                          string     `json:"ProductId"`
	ProductName                        string     `json:"ProductName"`
	ProvisioningArtifactID             string     `json:"ProvisioningArtifactId"`
	ProvisioningArtifactName           string     `json:"ProvisioningArtifactName"`
	Status                             string     `json:"Status"`
	StatusMessage                      *string    `json:"StatusMessage,omitempty"`
	Tags                               []tagShape `json:"Tags"`
	Type                               string     `json:"Type"`
	UserArn                            string     `json:"UserArn"`
	UserArnSession                     string     `json:"UserArnSession"`
}

// Requests. Only the fields the emulator acts on are decoded; the rest (for
// example AcceptLanguage) are accepted and ignored, as AWS ignores what it
// does not need.

type pagedInput struct {
	PageSize  int32   `json:"PageSize"`
	PageToken *string `json:"PageToken"`
}

type portfolioShareInput struct {
	PortfolioID        string `json:"PortfolioId"`
	PortfolioShareType string `json:"PortfolioShareType"`
}

type listAcceptedInput struct {
	pagedInput
	PortfolioShareType string `json:"PortfolioShareType"`
}

type idInput struct {
	ID string `json:"Id"`
}

type principalInput struct {
	PortfolioID   string `json:"PortfolioId"`
	PrincipalARN  string `json:"PrincipalARN"`
	PrincipalType string `json:"PrincipalType"`
}

type listPrincipalsInput struct {
	pagedInput
	PortfolioID string `json:"PortfolioId"`
}

type searchProductsInput struct {
	pagedInput
	Filters   map[string][]string `json:"Filters"`
	SortBy    string              `json:"SortBy"`
	SortOrder string              `json:"SortOrder"`
}

type describeProductInput struct {
	ID                string `json:"Id"`
	Name              string `json:"Name"`
	SourcePortfolioID string `json:"SourcePortfolioId"`
}

type productIDInput struct {
	pagedInput
	ProductID string `json:"ProductId"`
}

type describeArtifactInput struct {
	IncludeProvisioningArtifactParameters bool   `json:"IncludeProvisioningArtifactParameters"`
	ProductID                             string `json:"ProductId"`
	ProductName                           string `json:"ProductName"`
	ProvisioningArtifactID                string `json:"ProvisioningArtifactId"`
	ProvisioningArtifactName              string `json:"ProvisioningArtifactName"`
	Verbose                               bool   `json:"Verbose"`
}

type describeParametersInput struct {
	PathID                   string `json:"PathId"`
	PathName                 string `json:"PathName"`
	ProductID                string `json:"ProductId"`
	ProductName              string `json:"ProductName"`
	ProvisioningArtifactID   string `json:"ProvisioningArtifactId"`
	ProvisioningArtifactName string `json:"ProvisioningArtifactName"`
}

type parameterInput struct {
	Key              *string `json:"Key"`
	Value            *string `json:"Value"`
	UsePreviousValue bool    `json:"UsePreviousValue"`
}

type tagInput struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

type provisionInput struct {
	ProvisionToken           *string          `json:"ProvisionToken"`
	ProvisionedProductName   *string          `json:"ProvisionedProductName"`
	PathID                   string           `json:"PathId"`
	PathName                 string           `json:"PathName"`
	ProductID                string           `json:"ProductId"`
	ProductName              string           `json:"ProductName"`
	ProvisioningArtifactID   string           `json:"ProvisioningArtifactId"`
	ProvisioningArtifactName string           `json:"ProvisioningArtifactName"`
	ProvisioningParameters   []parameterInput `json:"ProvisioningParameters"`
	Tags                     []tagInput       `json:"Tags"`
}

type updateInput struct {
	UpdateToken              *string          `json:"UpdateToken"`
	PathID                   string           `json:"PathId"`
	PathName                 string           `json:"PathName"`
	ProductID                string           `json:"ProductId"`
	ProductName              string           `json:"ProductName"`
	ProvisionedProductID     string           `json:"ProvisionedProductId"`
	ProvisionedProductName   string           `json:"ProvisionedProductName"`
	ProvisioningArtifactID   string           `json:"ProvisioningArtifactId"`
	ProvisioningArtifactName string           `json:"ProvisioningArtifactName"`
	ProvisioningParameters   []parameterInput `json:"ProvisioningParameters"`
	Tags                     []tagInput       `json:"Tags"`
}

type terminateInput struct {
	TerminateToken          *string `json:"TerminateToken"`
	IgnoreErrors            bool    `json:"IgnoreErrors"`
	RetainPhysicalResources bool    `json:"RetainPhysicalResources"`
	ProvisionedProductID    string  `json:"ProvisionedProductId"`
	ProvisionedProductName  string  `json:"ProvisionedProductName"`
	AcceptLanguage          string  `json:"AcceptLanguage"`
}

type describeRecordInput struct {
	pagedInput
	ID string `json:"Id"`
}

type accessLevelFilter struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type recordSearchFilter struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type listRecordHistoryInput struct {
	pagedInput
	AccessLevelFilter *accessLevelFilter  `json:"AccessLevelFilter"`
	SearchFilter      *recordSearchFilter `json:"SearchFilter"`
}

type describeProvisionedInput struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

type searchProvisionedInput struct {
	pagedInput
	AccessLevelFilter *accessLevelFilter  `json:"AccessLevelFilter"`
	Filters           map[string][]string `json:"Filters"`
	SortBy            string              `json:"SortBy"`
	SortOrder         string              `json:"SortOrder"`
}

type scanProvisionedInput struct {
	pagedInput
	AccessLevelFilter *accessLevelFilter `json:"AccessLevelFilter"`
}

type outputsInput struct {
	pagedInput
	OutputKeys             []string `json:"OutputKeys"`
	ProvisionedProductID   string   `json:"ProvisionedProductId"`
	ProvisionedProductName string   `json:"ProvisionedProductName"`
}
