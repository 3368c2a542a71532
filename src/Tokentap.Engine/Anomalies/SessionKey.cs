// Which client session an event belongs to, for anomaly detection.
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// The client's own session id when it sends one (Claude Code's x-claude-code-session-id, Codex's session-id, Gemini
/// CLI's Code Assist session_id). Gemini CLI with an API key and the SDKs send none: their events group by app and
/// client process ("gemini-cli pid 4242"), and where the process is unknown by app and Tokentap session
/// ("curl in build-17").
/// </summary>
internal static class SessionKey
{
    public static string Of(UsageEvent usageEvent)
    {
        if (!string.IsNullOrEmpty(usageEvent.ClientSessionId))
        {
            return usageEvent.ClientSessionId;
        }

        var app = string.IsNullOrEmpty(usageEvent.App) ? usageEvent.Provider : usageEvent.App;
        return usageEvent.ClientProcessId is { } pid
            ? $"{app} pid {pid}"
            : $"{app} in {usageEvent.Session ?? "no session"}";
    }
}
