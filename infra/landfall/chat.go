package landfall

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
)

// chatProtocols are the protocols the chat topic accepts subscriptions
// with: Amazon Q Developer in chat applications (formerly AWS Chatbot)
// subscribes a channel configuration's topics over HTTPS. Email, SQS or
// Lambda subscribers belong on the summary topic, whose messages are
// formatted for them; here they would get the chat JSON.
var chatProtocols = []string{"https"}

// newChatTopic adds the topic Amazon Q Developer reads (Props.Chat): the
// functions publish every notification to it again in the custom
// notification format (internal/notify Chat). Like the other topics it is
// encrypted with the stack's key: SNS decrypts before delivering over
// HTTPS, so Amazon Q needs no grant on the key.
func (c *Construct) newChatTopic(props Props) {
	if !props.Chat {
		return
	}
	c.ChatTopic = awssns.NewTopic(c.Construct, jsii.String("ChatTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("Landfall chat notifications (Amazon Q Developer)"),
		MasterKey:   c.Key,
		EnforceSSL:  jsii.Bool(true),
	})
}

// secureChatTopic lets both functions publish to the chat topic, and
// nobody else (the summary topic's explicit Deny, restrictSenders explains
// why an Allow alone would not do), and refuses subscriptions by any
// protocol but https, the one Amazon Q Developer uses. It does not pin the
// endpoint: AWS does not document Amazon Q's, so an administrator could
// still subscribe another https endpoint.
func (c *Construct) secureChatTopic() {
	if c.ChatTopic == nil {
		return
	}
	topic := c.ChatTopic.TopicArn()
	for _, r := range []awsiam.Role{c.LaunchRole, c.WorkerRole} {
		r.AddToPrincipalPolicy(statement("PublishChatNotifications", []string{"sns:Publish"}, topic))
	}
	c.ChatTopic.AddToResourcePolicy(deny("OnlyLandfallPublishesChatNotifications", "sns:Publish", topic,
		map[string]any{"ArnNotEquals": map[string]any{"aws:PrincipalArn": c.functionRoleARNs()}}))
	c.ChatTopic.AddToResourcePolicy(deny("OnlyAmazonQSubscribes", "sns:Subscribe", topic,
		map[string]any{"StringNotEquals": map[string]any{"sns:Protocol": chatProtocols}}))
}
