// The one-line prompt preview of a captured call: Get-TokenUsageContent's Preview and the live view's line under a request.
using System.Text;
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Content;

/// <summary>
/// The last user message's first line: the last user message that says something itself (an agent's turns that only
/// carry tool results are skipped while an earlier one does), without Claude Code's &lt;system-reminder&gt; blocks, its
/// first non-blank line with control characters and runs of whitespace made one space, at most
/// <see cref="MaxLength"/> characters. The text comes from the content store, so secrets are already redacted.
/// </summary>
internal static partial class PromptPreview
{
    /// <summary>The most characters a preview keeps (wider than any terminal row it is cut to).</summary>
    public const int MaxLength = 300;

    /// <summary>The preview of a call's content, or null when it has no user message with text.</summary>
    public static string? Of(TokenUsageContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Of(content.Messages);
    }

    /// <summary>The preview of a call's messages, or null when none is a user message with text.</summary>
    public static string? Of(IReadOnlyList<TokenUsageContentMessage> messages)
    {
        var users = messages.Where(m => m.Role == "user").Select(m => Reminders().Replace(m.Text, "\n")).ToList();
        var said = users.LastOrDefault(t => FirstLine(t) is { } line && !line.StartsWith("[tool result", StringComparison.Ordinal));
        return (said ?? users.LastOrDefault()) is { } text ? FirstLine(text) : null;
    }

    /// <summary>The first line holding something but whitespace, collapsed and bounded; null when there is none.</summary>
    internal static string? FirstLine(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var collapsed = Collapse(line);
            if (collapsed.Length > 0)
            {
                return collapsed.Length <= MaxLength ? collapsed : collapsed[..(MaxLength - 1)] + "…";
            }
        }

        return null;
    }

    // Tabs, carriage returns and other control characters (an escape sequence in a prompt must not reach the terminal)
    // count as whitespace.
    private static string Collapse(string line)
    {
        var text = new StringBuilder(Math.Min(line.Length, MaxLength + 1));
        var space = false;
        foreach (var c in line)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = text.Length > 0;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(c);
            if (text.Length > MaxLength)
            {
                break;
            }
        }

        return text.ToString();
    }

    [GeneratedRegex("<system-reminder>.*?(</system-reminder>|$)", RegexOptions.Singleline)]
    private static partial Regex Reminders();
}
