// The hand-written BSON mapping of a usage event: short field names, defaults left out, exact UTC ticks.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Maps <see cref="UsageEvent"/> to the stored document and back. The reflection BsonMapper is avoided: it is slow,
/// stores long property names in every document and keeps DateTime to milliseconds in local time. Here timestamps are
/// UTC ticks, zero and null values are left out, and ids the unique key already holds are not stored twice.
/// </summary>
internal static class UsageEventDocument
{
    public const string Position = "_id";
    public const string Key = "k";
    public const string Ticks = "t";
    public const string Order = "o";
    public const string Provider = "p";
    public const string Model = "m";
    public const string App = "a";
    public const string Session = "s";
    public const string Project = "j";
    public const string Success = "ok";

    private const string EventId = "g";
    private const string Host = "h";
    private const string Endpoint = "e";
    private const string RequestModel = "rm";
    private const string InputTokens = "i";
    private const string CacheReadTokens = "cr";
    private const string CacheWriteTokens = "cw";
    private const string CacheWrite1hTokens = "c1";
    private const string OutputTokens = "ou";
    private const string ReasoningTokens = "r";
    private const string Cost = "c";
    private const string Flags = "f";
    private const string StatusCode = "sc";
    private const string Error = "er";
    private const string DurationMs = "d";
    private const string TimeToFirstByteMs = "tf";
    private const string AppVersion = "av";
    private const string ClientSessionId = "cs";
    private const string RequestId = "rq";
    private const string MessageId = "mi";
    private const string StopReason = "sr";
    private const string RateLimits = "rl";

    private const int EstimatedFlag = 1;
    private const int StreamingFlag = 2;

    // LiteDB refuses index keys over 1023 bytes; longer unique keys are stored as a hash of the key.
    private const int MaxKeyBytes = 512;
    private const string HashedKeyPrefix = "sha256:";

    /// <summary>The unique key as stored and indexed: <see cref="UsageEvent.UniqueKey"/>, hashed when too long.</summary>
    public static string StoredKey(string uniqueKey)
    {
        if (Encoding.UTF8.GetByteCount(uniqueKey) <= MaxKeyBytes)
        {
            return uniqueKey;
        }

        return HashedKeyPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(uniqueKey)));
    }

    /// <summary>UTC ticks of an event timestamp; a Local timestamp is converted, an Unspecified one taken as UTC.</summary>
    public static long UtcTicks(DateTime timestamp) =>
        timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime().Ticks : timestamp.Ticks;

    /// <summary>The time-order index key: timestamp then position, big-endian so byte order is numeric order.</summary>
    public static byte[] OrderKey(long ticks, long position)
    {
        var key = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(key, ticks);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(8), position);
        return key;
    }

    public static BsonDocument ToDocument(UsageEvent usageEvent, string storedKey, long position)
    {
        var ticks = UtcTicks(usageEvent.Timestamp);
        var doc = new BsonDocument
        {
            [Position] = position,
            [Key] = storedKey,
            [Ticks] = ticks,
            [Order] = OrderKey(ticks, position),
            [Success] = usageEvent.IsSuccess,
        };

        var keyHoldsRequestId = storedKey.StartsWith("req:", StringComparison.Ordinal);
        var keyHoldsMessageId = storedKey.StartsWith("msg:", StringComparison.Ordinal);
        var keyHoldsEventId = storedKey.StartsWith("id:", StringComparison.Ordinal);
        if (!keyHoldsEventId)
        {
            doc[EventId] = usageEvent.Id;
        }

        if (!keyHoldsRequestId)
        {
            PutString(doc, RequestId, usageEvent.RequestId);
        }

        if (!keyHoldsMessageId)
        {
            PutString(doc, MessageId, usageEvent.MessageId);
        }

        PutNonEmpty(doc, Provider, usageEvent.Provider);
        PutNonEmpty(doc, Host, usageEvent.Host);
        PutNonEmpty(doc, Endpoint, usageEvent.Endpoint);
        PutString(doc, Model, usageEvent.Model);
        PutString(doc, RequestModel, usageEvent.RequestModel);
        PutCount(doc, InputTokens, usageEvent.InputTokens);
        PutCount(doc, CacheReadTokens, usageEvent.CacheReadTokens);
        PutCount(doc, CacheWriteTokens, usageEvent.CacheWriteTokens);
        PutCount(doc, CacheWrite1hTokens, usageEvent.CacheWrite1hTokens);
        PutCount(doc, OutputTokens, usageEvent.OutputTokens);
        PutCount(doc, ReasoningTokens, usageEvent.ReasoningTokens);
        if (usageEvent.Cost is { } cost)
        {
            doc[Cost] = cost;
        }

        var flags = (usageEvent.Estimated ? EstimatedFlag : 0) | (usageEvent.Streaming ? StreamingFlag : 0);
        if (flags != 0)
        {
            doc[Flags] = flags;
        }

        if (usageEvent.StatusCode != 0)
        {
            doc[StatusCode] = usageEvent.StatusCode;
        }

        PutString(doc, Error, usageEvent.Error);
        if (usageEvent.DurationMs != 0)
        {
            doc[DurationMs] = usageEvent.DurationMs;
        }

        if (usageEvent.TimeToFirstByteMs is { } ttfb)
        {
            doc[TimeToFirstByteMs] = ttfb;
        }

        PutString(doc, App, usageEvent.App);
        PutString(doc, AppVersion, usageEvent.AppVersion);
        PutString(doc, Session, usageEvent.Session);
        PutString(doc, ClientSessionId, usageEvent.ClientSessionId);
        PutString(doc, Project, usageEvent.Project);
        PutString(doc, StopReason, usageEvent.StopReason);
        if (usageEvent.RateLimits is { } rateLimits)
        {
            doc[RateLimits] = RateLimitDocument.ToDocument(rateLimits);
        }

        return doc;
    }

    public static UsageEvent FromDocument(BsonDocument doc)
    {
        var storedKey = GetString(doc, Key) ?? "";
        var usageEvent = new UsageEvent
        {
            Timestamp = new DateTime(GetLong(doc, Ticks), DateTimeKind.Utc),
            Provider = GetString(doc, Provider) ?? "",
            Host = GetString(doc, Host) ?? "",
            Endpoint = GetString(doc, Endpoint) ?? "",
            Model = GetString(doc, Model),
            RequestModel = GetString(doc, RequestModel),
            InputTokens = GetLong(doc, InputTokens),
            CacheReadTokens = GetLong(doc, CacheReadTokens),
            CacheWriteTokens = GetLong(doc, CacheWriteTokens),
            CacheWrite1hTokens = GetLong(doc, CacheWrite1hTokens),
            OutputTokens = GetLong(doc, OutputTokens),
            ReasoningTokens = GetLong(doc, ReasoningTokens),
            Cost = doc.TryGetValue(Cost, out var cost) && cost.IsNumber ? cost.AsDecimal : null,
            StatusCode = (int)GetLong(doc, StatusCode),
            Error = GetString(doc, Error),
            DurationMs = GetDouble(doc, DurationMs) ?? 0,
            TimeToFirstByteMs = GetDouble(doc, TimeToFirstByteMs),
            App = GetString(doc, App),
            AppVersion = GetString(doc, AppVersion),
            Session = GetString(doc, Session),
            ClientSessionId = GetString(doc, ClientSessionId),
            Project = GetString(doc, Project),
            StopReason = GetString(doc, StopReason),
            RequestId = storedKey.StartsWith("req:", StringComparison.Ordinal) ? storedKey[4..] : GetString(doc, RequestId),
            MessageId = storedKey.StartsWith("msg:", StringComparison.Ordinal) ? storedKey[4..] : GetString(doc, MessageId),
        };

        var flags = GetLong(doc, Flags);
        usageEvent.Estimated = (flags & EstimatedFlag) != 0;
        usageEvent.Streaming = (flags & StreamingFlag) != 0;
        if (storedKey.StartsWith("id:", StringComparison.Ordinal) && Guid.TryParseExact(storedKey.AsSpan(3), "N", out var keyId))
        {
            usageEvent.Id = keyId;
        }
        else if (doc.TryGetValue(EventId, out var id) && id.IsGuid)
        {
            usageEvent.Id = id.AsGuid;
        }

        if (doc.TryGetValue(RateLimits, out var rateLimits) && rateLimits.IsDocument)
        {
            usageEvent.RateLimits = RateLimitDocument.FromDocument(rateLimits.AsDocument);
        }

        return usageEvent;
    }

    public static long GetLong(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsNumber ? value.AsInt64 : 0;

    public static string? GetString(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsString ? value.AsString : null;

    public static bool GetBool(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsBoolean && value.AsBoolean;

    private static double? GetDouble(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsNumber ? value.AsDouble : null;

    private static void PutString(BsonDocument doc, string field, string? value)
    {
        if (value is not null)
        {
            doc[field] = value;
        }
    }

    private static void PutNonEmpty(BsonDocument doc, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            doc[field] = value;
        }
    }

    private static void PutCount(BsonDocument doc, string field, long value)
    {
        if (value == 0)
        {
            return;
        }

        doc[field] = value is >= int.MinValue and <= int.MaxValue ? new BsonValue((int)value) : new BsonValue(value);
    }
}
