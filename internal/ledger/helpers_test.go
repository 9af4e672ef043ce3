package ledger_test

import (
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func key(pk string) map[string]ddbtypes.AttributeValue {
	sk := "RUN"
	return map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: pk}, "sk": &ddbtypes.AttributeValueMemberS{Value: sk}}
}

func num(it map[string]ddbtypes.AttributeValue, name string) string {
	if v, ok := it[name].(*ddbtypes.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}
