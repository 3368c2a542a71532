// Get-TokenUsageContent -AsText: one captured call as plain text for reading in a terminal or a pager.
using System.Text;

namespace Tokentap.Engine.Content;

/// <summary>Headed sections: the call, the system prompt, each message, the tools, the response and its tool calls.</summary>
internal static class ContentText
{
    public static string Format(TokenUsageContent content)
    {
        var text = new StringBuilder();
        text.Append($"=== {content.Timestamp:yyyy-MM-dd HH:mm:ss} {content.Provider} {content.Endpoint} {content.Model} ({content.EventId})");
        text.Append(content.Truncated ? " [truncated]\n" : "\n");
        if (content.System is { Length: > 0 } system)
        {
            text.Append("--- system\n").Append(system).Append('\n');
        }

        foreach (var message in content.Messages)
        {
            text.Append("--- ").Append(message.Role).Append('\n').Append(message.Text).Append('\n');
        }

        if (content.Tools.Count > 0)
        {
            text.Append("--- tools: ").Append(string.Join(", ", content.Tools)).Append('\n');
        }

        text.Append("--- response\n").Append(content.ResponseText).Append('\n');
        foreach (var call in content.ToolCalls)
        {
            text.Append("[tool call ").Append(call.Name).Append("] ").Append(call.Arguments).Append('\n');
        }

        return text.ToString();
    }
}
