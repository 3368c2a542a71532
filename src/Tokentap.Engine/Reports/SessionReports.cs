// Totals of what one session or command run captured, computed from the store.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Reports;

/// <summary>Builds <see cref="TokentapSessionReport"/> from the store's summary for a session since its start.</summary>
public static class SessionReports
{
    /// <summary>The report of the events tagged with <paramref name="session"/> since <paramref name="sinceUtc"/>.</summary>
    public static TokentapSessionReport Build(UsageStore store, string session, DateTime sinceUtc, TimeSpan duration, string? command = null, int? exitCode = null)
    {
        var rows = store.Summarize(new UsageFilter { Session = new[] { session }, Since = sinceUtc });
        return new TokentapSessionReport
        {
            Session = session,
            Command = command,
            ExitCode = exitCode,
            Duration = duration,
            Requests = rows.Sum(r => r.Requests),
            Errors = rows.Sum(r => r.Errors),
            InputTokens = rows.Sum(r => r.InputTokens),
            OutputTokens = rows.Sum(r => r.OutputTokens),
            CacheReadTokens = rows.Sum(r => r.CacheReadTokens),
            CacheWriteTokens = rows.Sum(r => r.CacheWriteTokens),
            Cost = rows.Count == 0 ? 0m : rows.Any(r => r.Cost is not null) ? rows.Sum(r => r.Cost ?? 0m) : null,
            UnpricedRequests = rows.Sum(r => r.UnpricedRequests),
            EstimatedRequests = rows.Sum(r => r.EstimatedRequests),
        };
    }

    /// <summary>One line for the host: "claude: 3 requests, 1,234 in, 56 out, 7,890 cache read, 0 cache write, $0.0123".</summary>
    public static string Describe(TokentapSessionReport report)
    {
        var who = report.Command ?? report.Session ?? "Tokentap";
        var line = $"{who}: {report.Requests:N0} request{(report.Requests == 1 ? "" : "s")}, {report.InputTokens:N0} in, {report.OutputTokens:N0} out, " +
                   $"{report.CacheReadTokens:N0} cache read, {report.CacheWriteTokens:N0} cache write, " +
                   (report.Cost is { } cost ? $"${cost:0.0000}" : "cost unknown");
        if (report.UnpricedRequests > 0)
        {
            line += $" (+{report.UnpricedRequests:N0} without a known price)";
        }

        if (report.EstimatedRequests > 0)
        {
            line += $", {report.EstimatedRequests:N0} estimated";
        }

        if (report.Errors > 0)
        {
            line += $", {report.Errors:N0} failed";
        }

        return report.ExitCode is { } code ? $"{line}; exit code {code}" : line;
    }
}
