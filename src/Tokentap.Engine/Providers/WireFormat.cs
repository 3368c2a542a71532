// The response formats Tokentap reads usage from; each has one parser.
namespace Tokentap.Engine.Providers;

/// <summary>A provider API's wire format.</summary>
internal enum WireFormat
{
    AnthropicMessages,
    OpenAiChat,
    OpenAiResponses,
    Gemini,
}
