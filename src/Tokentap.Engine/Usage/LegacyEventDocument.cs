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
    private const int RequestModelIsModelFlag = 4;

    // LiteDB refuses index keys over 1023 bytes; longer unique keys are stored as a hash of the key.
    private const int MaxKeyBytes = 512;
    private const string HashedKeyPrefix = "sha256:";

    /// <summary>
    /// The unique key as stored and indexed: the event's UTC day, then <see cref="UsageEvent.UniqueKey"/> (hashed when
    /// too long). A retried write or a re-import carries the same timestamp, so it meets the same key; the day in
    /// front keeps inserts near the end of the index instead of at random places among provider ids, which is what
    /// makes bulk ingest fast once the store holds millions of events.
    /// </summary>
    public static string StoredKey(UsageEvent usageEvent)
    {
        var uniqueKey = usageEvent.UniqueKey;
        if (Encoding.UTF8.GetByteCount(uniqueKey) > MaxKeyBytes)
        {
            uniqueKey = HashedKeyPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(uniqueKey)));
        }

        var day = new DateTime(UtcTicks(usageEvent.Timestamp), DateTimeKind.Utc);
        return day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "|" + uniqueKey;
    }

    /// <summary>The unique key without its "yyyyMMdd|" day prefix (schema 1 keys have none).</summary>
    public static ReadOnlySpan<char> KeyBody(string storedKey) =>
        storedKey.Length > 9 && storedKey[8] == '|' && !storedKey.AsSpan(0, 8).ContainsAnyExceptInRange('0', '9') ? storedKey.AsSpan(9) : storedKey.AsSpan();

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
            [Order] = OrderKey(ticks, position),
            [Success] = usageEvent.IsSuccess,
        };

        // An id the key already holds is not stored a second time (FromDocument reads it back from the key).
        var keyBody = KeyBody(storedKey);
        var keyHoldsRequestId = keyBody.StartsWith("req:", StringComparison.Ordinal);
        var keyHoldsMessageId = keyBody.StartsWith("msg:", StringComparison.Ordinal);
        var keyHoldsEventId = keyBody.StartsWith("id:", StringComparison.Ordinal);
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
        var requestModelIsModel = usageEvent.RequestModel is not null && usageEvent.RequestModel == usageEvent.Model;
        if (!requestModelIsModel)
        {
            PutString(doc, RequestModel, usageEvent.RequestModel);
        }

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

        var flags = (usageEvent.Estimated ? EstimatedFlag : 0) | (usageEvent.Streaming ? StreamingFlag : 0)
            | (requestModelIsModel ? RequestModelIsModelFlag : 0);
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
        // One pass over the fields present (defaults were left out when writing), lenient about types.
        var usageEvent = new UsageEvent();
        string storedKey = "";
        string? requestModel = null;
        long flags = 0;
        Guid? eventId = null;
        foreach (var (name, value) in doc)
        {
            switch (name)
            {
                case Key: storedKey = value.IsString ? value.AsString : ""; break;
                case Order: usageEvent.Timestamp = new DateTime(TicksOf(doc), DateTimeKind.Utc); break;
                case EventId: eventId = value.IsGuid ? value.AsGuid : null; break;
                case Provider: usageEvent.Provider = AsString(value) ?? ""; break;
                case Host: usageEvent.Host = AsString(value) ?? ""; break;
                case Endpoint: usageEvent.Endpoint = AsString(value) ?? ""; break;
                case Model: usageEvent.Model = AsString(value); break;
                case RequestModel: requestModel = AsString(value); break;
                case InputTokens: usageEvent.InputTokens = AsLong(value); break;
                case CacheReadTokens: usageEvent.CacheReadTokens = AsLong(value); break;
                case CacheWriteTokens: usageEvent.CacheWriteTokens = AsLong(value); break;
                case CacheWrite1hTokens: usageEvent.CacheWrite1hTokens = AsLong(value); break;
                case OutputTokens: usageEvent.OutputTokens = AsLong(value); break;
                case ReasoningTokens: usageEvent.ReasoningTokens = AsLong(value); break;
                case Cost: usageEvent.Cost = value.IsNumber ? value.AsDecimal : null; break;
                case Flags: flags = AsLong(value); break;
                case StatusCode: usageEvent.StatusCode = (int)AsLong(value); break;
                case Error: usageEvent.Error = AsString(value); break;
                case DurationMs: usageEvent.DurationMs = value.IsNumber ? value.AsDouble : 0; break;
                case TimeToFirstByteMs: usageEvent.TimeToFirstByteMs = value.IsNumber ? value.AsDouble : null; break;
                case App: usageEvent.App = AsString(value); break;
                case AppVersion: usageEvent.AppVersion = AsString(value); break;
                case Session: usageEvent.Session = AsString(value); break;
                case ClientSessionId: usageEvent.ClientSessionId = AsString(value); break;
                case Project: usageEvent.Project = AsString(value); break;
                case StopReason: usageEvent.StopReason = AsString(value); break;
                case RequestId: usageEvent.RequestId = AsString(value); break;
                case MessageId: usageEvent.MessageId = AsString(value); break;
                case RateLimits: usageEvent.RateLimits = value.IsDocument ? RateLimitDocument.FromDocument(value.AsDocument) : null; break;
                default: break;
            }
        }

        var keyBody = KeyBody(storedKey);
        if (keyBody.StartsWith("req:", StringComparison.Ordinal))
        {
            usageEvent.RequestId = keyBody[4..].ToString();
        }
        else if (keyBody.StartsWith("msg:", StringComparison.Ordinal))
        {
            usageEvent.MessageId = keyBody[4..].ToString();
        }

        if (keyBody.StartsWith("id:", StringComparison.Ordinal) && Guid.TryParseExact(keyBody[3..], "N", out var keyId))
        {
            usageEvent.Id = keyId;
        }
        else if (eventId is { } id)
        {
            usageEvent.Id = id;
        }

        usageEvent.Estimated = (flags & EstimatedFlag) != 0;
        usageEvent.Streaming = (flags & StreamingFlag) != 0;
        usageEvent.RequestModel = (flags & RequestModelIsModelFlag) != 0 ? usageEvent.Model : requestModel;
        return usageEvent;
    }

    /// <summary>The UTC ticks of a stored event: the first half of its order key.</summary>
    public static long TicksOf(BsonDocument doc) =>
        doc.TryGetValue(Order, out var key) && key.IsBinary && key.AsBinary.Length == 16 ? BinaryPrimitives.ReadInt64BigEndian(key.AsBinary) : 0;

    /// <summary>The position of a stored event (its _id).</summary>
    public static long PositionOf(BsonDocument doc) => doc[Position].AsInt64;

    public static long GetLong(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsNumber ? value.AsInt64 : 0;

    public static string? GetString(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsString ? value.AsString : null;

    public static bool GetBool(BsonDocument doc, string field) =>
        doc.TryGetValue(field, out var value) && value.IsBoolean && value.AsBoolean;

    private static string? AsString(BsonValue value) => value.IsString ? value.AsString : null;

    private static long AsLong(BsonValue value) => value.IsNumber ? value.AsInt64 : 0;

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
