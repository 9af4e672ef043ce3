package tables

import (
	"encoding/json"
	"time"

	"github.com/landfall/landfall/internal/localaws/wire"
)

type createTableInput struct {
	TableName             string
	KeySchema             []KeySchemaElement
	AttributeDefinitions  []AttributeDefinition
	BillingMode           string
	ProvisionedThroughput *throughput
	SSESpecification      *struct {
		Enabled                 *bool
		SSEType, KMSMasterKeyId string
	}
	DeletionProtectionEnabled bool
	// GlobalSecondaryIndexes is a pointer so that an empty list, which
	// DynamoDB refuses, differs from none.
	GlobalSecondaryIndexes *[]gsiInput
	LocalSecondaryIndexes  json.RawMessage
	StreamSpecification    json.RawMessage
}

type tableOutput struct {
	TableDescription tableDescription
}

func (s *Tables) createTable(r *wire.Request, in *createTableInput) (tableOutput, error) {
	if err := checkTableName(in.TableName); err != nil {
		return tableOutput{}, err
	}
	for name, raw := range map[string]json.RawMessage{"LocalSecondaryIndexes": in.LocalSecondaryIndexes, "StreamSpecification": in.StreamSpecification} {
		if len(raw) > 0 && string(raw) != "null" {
			return tableOutput{}, unsupported(name)
		}
	}
	def, err := checkDefinition(in)
	if err != nil {
		return tableOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tableKey(r.Caller.Account, r.Region, in.TableName)
	if s.tables[k] != nil {
		return tableOutput{}, &wire.Error{Code: "ResourceInUseException", Message: "Table already exists: " + in.TableName}
	}
	t := newTable(r.Caller.Account, r.Region, def, r.Now)
	s.tables[k] = t
	// AWS answers CREATING and the table turns ACTIVE seconds later; the
	// emulator's tables are usable at once, so DescribeTable says ACTIVE.
	return tableOutput{t.describe("CREATING")}, nil
}

// unsupported refuses a construct the emulator does not model, by name.
func unsupported(construct string) *wireError {
	return validation("The local AWS does not support " + construct + " (not modelled by the emulator); remove it or extend package tables")
}

func checkDefinition(in *createTableInput) (definition, *wireError) {
	def := definition{name: in.TableName, keySchema: in.KeySchema, attrs: in.AttributeDefinitions, billing: in.BillingMode, protection: in.DeletionProtectionEnabled}
	switch {
	case len(in.KeySchema) == 0 || len(in.KeySchema) > 2:
		return def, invalid("Too many or too few key schema elements; the key schema has a HASH key and an optional RANGE key")
	case in.KeySchema[0].KeyType != "HASH":
		return def, invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	case len(in.KeySchema) == 2 && in.KeySchema[1].KeyType != "RANGE":
		return def, invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	case len(in.KeySchema) == 2 && in.KeySchema[0].AttributeName == in.KeySchema[1].AttributeName:
		return def, invalid("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	case in.GlobalSecondaryIndexes == nil && len(in.AttributeDefinitions) != len(in.KeySchema):
		return def, invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	types := map[string]string{}
	for _, a := range in.AttributeDefinitions {
		if a.AttributeType != "S" && a.AttributeType != "N" && a.AttributeType != "B" {
			return def, invalid("Member must satisfy enum value set: [B, N, S]; AttributeType of %s is %s", a.AttributeName, a.AttributeType)
		}
		types[a.AttributeName] = a.AttributeType
	}
	for _, k := range in.KeySchema {
		if types[k.AttributeName] == "" {
			return def, invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: %v", k.AttributeName, keysSorted(types))
		}
	}
	var err *wireError
	if def.indexes, err = checkIndexes(in, types); err != nil {
		return def, err
	}
	if err := checkBilling(in, &def); err != nil {
		return def, err
	}
	if in.SSESpecification != nil && in.SSESpecification.Enabled != nil && *in.SSESpecification.Enabled {
		def.sseKey = in.SSESpecification.KMSMasterKeyId
		if def.sseKey == "" {
			def.sseKey = AWSManagedKey
		}
	}
	return def, nil
}

func checkBilling(in *createTableInput, def *definition) *wireError {
	switch in.BillingMode {
	case "PAY_PER_REQUEST":
		if in.ProvisionedThroughput != nil {
			return invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
	case "", "PROVISIONED":
		if in.ProvisionedThroughput == nil {
			return validation("No provisioned throughput specified for the table")
		}
		return unsupported("BillingMode PROVISIONED (on-demand PAY_PER_REQUEST tables only)")
	default:
		return validation("1 validation error detected: Value '" + in.BillingMode + "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
	}
	def.billing = in.BillingMode
	return nil
}

type tableNameInput struct {
	TableName string
}

type describeOutput struct {
	Table tableDescription
}

func (s *Tables) describeTable(r *wire.Request, in *tableNameInput) (describeOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[tableKey(r.Caller.Account, r.Region, in.TableName)]
	if t == nil {
		return describeOutput{}, &wire.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Table: " + in.TableName + " not found"}
	}
	t.sweep(r.Now)
	return describeOutput{t.describe("ACTIVE")}, nil
}

func (s *Tables) deleteTable(r *wire.Request, in *tableNameInput) (tableOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tableKey(r.Caller.Account, r.Region, in.TableName)
	t := s.tables[k]
	if t == nil {
		return tableOutput{}, &wire.Error{Code: "ResourceNotFoundException", Message: "Requested resource not found: Table: " + in.TableName + " not found"}
	}
	if t.def.protection {
		return tableOutput{}, validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	delete(s.tables, k)
	return tableOutput{t.describe("DELETING")}, nil
}

type ttlSpec struct {
	Enabled       *bool
	AttributeName string
}

type updateTTLInput struct {
	TableName               string
	TimeToLiveSpecification ttlSpec
}

type updateTTLOutput struct {
	TimeToLiveSpecification ttlSpec
}

func (s *Tables) updateTimeToLive(r *wire.Request, in *updateTTLInput) (updateTTLOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return updateTTLOutput{}, err
	}
	spec := in.TimeToLiveSpecification
	if spec.Enabled == nil || spec.AttributeName == "" {
		return updateTTLOutput{}, validation("1 validation error detected: TimeToLiveSpecification requires Enabled and AttributeName")
	}
	switch {
	case *spec.Enabled && t.ttl != "":
		return updateTTLOutput{}, validation("TimeToLive is already enabled")
	case !*spec.Enabled && t.ttl == "":
		return updateTTLOutput{}, validation("TimeToLive is already disabled")
	case !*spec.Enabled && t.ttl != spec.AttributeName:
		return updateTTLOutput{}, validation("TimeToLive attribute name does not match the enabled TimeToLive attribute: " + t.ttl)
	}
	t.ttl, t.sweepKnown = "", false
	if *spec.Enabled {
		t.ttl = spec.AttributeName
	}
	return updateTTLOutput{spec}, nil
}

type describeTTLOutput struct {
	TimeToLiveDescription struct {
		TimeToLiveStatus string
		AttributeName    string `json:",omitempty"`
	}
}

// describeTimeToLive answers ENABLED or DISABLED: AWS passes through
// ENABLING and DISABLING for up to an hour, which the emulator skips.
func (s *Tables) describeTimeToLive(r *wire.Request, in *tableNameInput) (describeTTLOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookupTable(r, in.TableName)
	if err != nil {
		return describeTTLOutput{}, err
	}
	var out describeTTLOutput
	out.TimeToLiveDescription.TimeToLiveStatus = "DISABLED"
	if t.ttl != "" {
		out.TimeToLiveDescription.TimeToLiveStatus = "ENABLED"
		out.TimeToLiveDescription.AttributeName = t.ttl
	}
	return out, nil
}

type continuousBackupsOutput struct {
	ContinuousBackupsDescription continuousBackups
}

type continuousBackups struct {
	ContinuousBackupsStatus        string
	PointInTimeRecoveryDescription pitrDescription
}

type pitrDescription struct {
	PointInTimeRecoveryStatus  string
	EarliestRestorableDateTime wire.Timestamp `json:",omitzero"`
	LatestRestorableDateTime   wire.Timestamp `json:",omitzero"`
	RecoveryPeriodInDays       int            `json:",omitempty"`
}

// pitrWindow is DynamoDB's default point-in-time recovery period, and
// pitrLag how far behind the present the latest restorable time trails.
const (
	pitrWindow = 35 * 24 * time.Hour
	pitrLag    = 5 * time.Minute
)

// describeContinuousBackups reports the point-in-time recovery a table was
// declared with. Continuous backups are always on in DynamoDB; the
// restorable window is computed, since the emulator keeps no backups.
func (s *Tables) describeContinuousBackups(r *wire.Request, in *tableNameInput) (continuousBackupsOutput, error) {
	if err := checkTableName(in.TableName); err != nil {
		return continuousBackupsOutput{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[tableKey(r.Caller.Account, r.Region, in.TableName)]
	if t == nil {
		return continuousBackupsOutput{}, &wire.Error{Code: "TableNotFoundException", Message: "Table not found: " + in.TableName}
	}
	d := pitrDescription{PointInTimeRecoveryStatus: "DISABLED"}
	if t.def.pitr {
		earliest := r.Now.Add(-pitrWindow)
		if earliest.Before(t.created) {
			earliest = t.created
		}
		latest := r.Now.Add(-pitrLag)
		if latest.Before(earliest) {
			latest = earliest
		}
		d = pitrDescription{PointInTimeRecoveryStatus: "ENABLED", EarliestRestorableDateTime: wire.Timestamp(earliest),
			LatestRestorableDateTime: wire.Timestamp(latest), RecoveryPeriodInDays: int(pitrWindow / (24 * time.Hour))}
	}
	return continuousBackupsOutput{continuousBackups{ContinuousBackupsStatus: "ENABLED", PointInTimeRecoveryDescription: d}}, nil
}
