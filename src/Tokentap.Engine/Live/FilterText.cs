// A usage filter in the few words the live view's header has room for: app=claude-* model=gpt-5* since 09:00.
using System.Globalization;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Live;

/// <summary>Describes a <see cref="UsageFilter"/> for the header of the live view.</summary>
public static class FilterText
{
    /// <summary>The set conditions as name=value words, or null when the filter selects everything.</summary>
    public static string? Describe(UsageFilter filter, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var words = new List<string>();
        Add(words, "provider", filter.Provider);
        Add(words, "model", filter.Model);
        Add(words, "app", filter.App);
        Add(words, "session", filter.Session);
        Add(words, "project", filter.Project);
        if (filter.Status is { } status)
        {
            words.Add("status=" + status.ToString().ToLowerInvariant());
        }

        if (filter.Since is { } since)
        {
            words.Add("since " + Local(since, zone));
        }

        if (filter.Until is { } until)
        {
            words.Add("until " + Local(until, zone));
        }

        return words.Count == 0 ? null : string.Join(" ", words);
    }

    private static void Add(List<string> words, string name, IReadOnlyList<string>? patterns)
    {
        if (patterns is { Count: > 0 })
        {
            words.Add(name + "=" + string.Join(",", patterns));
        }
    }

    private static string Local(DateTime value, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(UsageFilterMatcher.ToUtcTicks(value), DateTimeKind.Utc), zone);
        return local.ToString(local.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
