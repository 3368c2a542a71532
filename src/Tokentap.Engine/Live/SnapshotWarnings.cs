// The warnings line of a live snapshot: failed requests, unknown prices, estimated numbers, limits near rejection.
using System.Globalization;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Live;

/// <summary>Builds the snapshot's warnings, one short sentence each, most serious first.</summary>
internal static class SnapshotWarnings
{
    private const int MaxErrorText = 80;

    public static IReadOnlyList<string> For(
        UsageTotals window, UsageEvent? lastFailure, IReadOnlyList<string> unpricedModels, IReadOnlyList<TokenUsageLimitGauge> limits, TimeZoneInfo zone)
    {
        var culture = CultureInfo.InvariantCulture;
        var warnings = new List<string>();
        foreach (var limit in limits)
        {
            if (!limit.Expired && limit.Status is { } status && !string.Equals(status, "allowed", StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add(string.Format(culture, "Subscription {0} limit: {1} ({2:0%} used)", limit.Name, status, limit.Utilization));
            }
        }

        if (window.Errors > 0)
        {
            var text = string.Format(culture, "{0:N0} failed {1} ({2:0.#%})", window.Errors, Plural(window.Errors, "request"), (double)window.Errors / window.Requests);
            if (lastFailure is not null)
            {
                var at = TimeZoneInfo.ConvertTimeFromUtc(lastFailure.Timestamp, zone);
                var what = lastFailure.StatusCode == 0 ? "no response" : lastFailure.StatusCode.ToString(culture);
                text += string.Format(culture, "; last {0:HH:mm} {1} {2}: {3}", at, lastFailure.App ?? lastFailure.Provider, what, Shorten(lastFailure.Error ?? "error status"));
            }

            warnings.Add(text);
        }

        if (window.UnpricedRequests > 0)
        {
            warnings.Add(string.Format(
                culture, "{0:N0} {1} with unknown price ({2}): not in the cost", window.UnpricedRequests, Plural(window.UnpricedRequests, "request"), string.Join(", ", unpricedModels)));
        }

        if (window.EstimatedRequests > 0)
        {
            warnings.Add(string.Format(culture, "{0:N0} {1} with estimated token counts", window.EstimatedRequests, Plural(window.EstimatedRequests, "request")));
        }

        return warnings;
    }

    private static string Plural(long count, string noun) => count == 1 ? noun : noun + "s";

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxErrorText ? line : line[..(MaxErrorText - 1)] + "…";
    }
}
