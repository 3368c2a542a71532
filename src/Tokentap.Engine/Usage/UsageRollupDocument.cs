// The hourly rollup rows: per (UTC hour, provider, model, app, session, project, success) totals kept in step with events.
using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// One rollup row per UTC hour and label combination. Rows are written in the same transaction as the events they
/// count, so summaries can add up a few thousand rows instead of reading a million events, and the rows double as a
/// coarse index: they tell which hours hold events matching a filter.
/// </summary>
internal sealed class UsageRollupDocument
{
    public const string Hour = "hr";
    private const string Provider = "p";
    private const string Model = "m";
    private const string App = "a";
    private const string Session = "s";
    private const string Project = "j";
    private const string Success = "ok";
    private const string Requests = "n";
    private const string InputTokens = "i";
    private const string CacheReadTokens = "cr";
    private const string CacheWriteTokens = "cw";
    private const string OutputTokens = "ou";
    private const string ReasoningTokens = "r";
    private const string Cost = "c";
    private const string UnpricedRequests = "nc";
    private const string EstimatedRequests = "es";
    private const string DurationMs = "d";

    public required long HourNumber { get; init; }
    public required string ProviderName { get; init; }
    public string? ModelName { get; init; }
    public string? AppName { get; init; }
    public string? SessionName { get; init; }
    public string? ProjectName { get; init; }
    public required bool IsSuccess { get; init; }
    public UsageTotals Totals { get; } = new();

    /// <summary>The hour number of a UTC tick count (hours since 0001-01-01).</summary>
    public static long HourOf(long utcTicks) => UsageKeys.HourOf(utcTicks);

    public static UsageRollupDocument For(UsageEvent e) => new()
    {
        HourNumber = HourOf(UsageKeys.UtcTicks(e.Timestamp)),
        ProviderName = e.Provider ?? "",
        ModelName = e.Model,
        AppName = e.App,
        SessionName = e.Session,
        ProjectName = e.Project,
        IsSuccess = e.IsSuccess,
    };

    /// <summary>A 128-bit hash of the row's labels, used as its _id (labels can be longer than an index key may be).</summary>
    public Guid Id
    {
        get
        {
            var builder = new StringBuilder(128);
            builder.Append(HourNumber).Append('|').Append(IsSuccess ? '1' : '0');
            foreach (var label in new[] { ProviderName, ModelName, AppName, SessionName, ProjectName })
            {
                // Length prefixes keep ("a|b", "c") apart from ("a", "b|c"); -1 keeps null apart from "".
                builder.Append('|').Append(label?.Length ?? -1).Append(':').Append(label);
            }

            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()), hash);
            return new Guid(hash[..16]);
        }
    }

    public string? Label(UsageGroupBy dimension) => dimension switch
    {
        UsageGroupBy.Provider => ProviderName,
        UsageGroupBy.Model => ModelName,
        UsageGroupBy.App => AppName,
        UsageGroupBy.Session => SessionName,
        UsageGroupBy.Project => ProjectName,
        _ => null,
    };

    public BsonDocument ToDocument(Guid id)
    {
        var doc = new BsonDocument
        {
            ["_id"] = id,
            [Hour] = HourNumber,
            [Provider] = ProviderName,
            [Success] = IsSuccess,
            [Requests] = Totals.Requests,
            [InputTokens] = Totals.InputTokens,
            [CacheReadTokens] = Totals.CacheReadTokens,
            [CacheWriteTokens] = Totals.CacheWriteTokens,
            [OutputTokens] = Totals.OutputTokens,
            [ReasoningTokens] = Totals.ReasoningTokens,
            [Cost] = Totals.Cost,
            [UnpricedRequests] = Totals.UnpricedRequests,
            [EstimatedRequests] = Totals.EstimatedRequests,
            [DurationMs] = Totals.DurationMs,
        };
        Put(doc, Model, ModelName);
        Put(doc, App, AppName);
        Put(doc, Session, SessionName);
        Put(doc, Project, ProjectName);
        return doc;
    }

    public static UsageRollupDocument FromDocument(BsonDocument doc)
    {
        var row = new UsageRollupDocument
        {
            HourNumber = GetLong(doc, Hour),
            ProviderName = GetString(doc, Provider) ?? "",
            ModelName = GetString(doc, Model),
            AppName = GetString(doc, App),
            SessionName = GetString(doc, Session),
            ProjectName = GetString(doc, Project),
            IsSuccess = GetBool(doc, Success),
        };
        var totals = row.Totals;
        totals.Requests = GetLong(doc, Requests);
        totals.Errors = row.IsSuccess ? 0 : totals.Requests;
        totals.InputTokens = GetLong(doc, InputTokens);
        totals.CacheReadTokens = GetLong(doc, CacheReadTokens);
        totals.CacheWriteTokens = GetLong(doc, CacheWriteTokens);
        totals.OutputTokens = GetLong(doc, OutputTokens);
        totals.ReasoningTokens = GetLong(doc, ReasoningTokens);
        totals.Cost = doc.TryGetValue(Cost, out var cost) && cost.IsNumber ? cost.AsDecimal : 0;
        totals.UnpricedRequests = GetLong(doc, UnpricedRequests);
        totals.EstimatedRequests = GetLong(doc, EstimatedRequests);
        totals.DurationMs = doc.TryGetValue(DurationMs, out var duration) && duration.IsNumber ? duration.AsDouble : 0;
        return row;
    }

    private static long GetLong(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsNumber ? value.AsInt64 : 0;

    private static string? GetString(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsString ? value.AsString : null;

    private static bool GetBool(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsBoolean && value.AsBoolean;

    private static void Put(BsonDocument doc, string field, string? value)
    {
        if (value is not null)
        {
            doc[field] = value;
        }
    }
}
