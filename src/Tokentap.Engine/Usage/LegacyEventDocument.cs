// Reads the event documents of schema versions 1 and 2 (one document per event), for the migrations only.
using System.Buffers.Binary;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Schema versions 1 and 2 stored one document per event: short field names, defaults left out, UTC ticks in a
/// 16-byte time-order key, and ids the unique key already held left out. Version 3 keeps events many to a chunk (see
/// <see cref="UsageChunkCodec"/>); this reader is what the migrations use to move older files over.
/// </summary>
internal static class LegacyEventDocument
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

    public const string EventId = "g";
    public const string Host = "h";
    public const string Endpoint = "e";
    public const string RequestModel = "rm";
    public const string InputTokens = "i";
    public const string CacheReadTokens = "cr";
    public const string CacheWriteTokens = "cw";
    public const string CacheWrite1hTokens = "c1";
    public const string OutputTokens = "ou";
    public const string ReasoningTokens = "r";
    public const string Cost = "c";
    public const string Flags = "f";
    public const string StatusCode = "sc";
    public const string Error = "er";
    public const string DurationMs = "d";
    public const string TimeToFirstByteMs = "tf";
    public const string AppVersion = "av";
    public const string ClientSessionId = "cs";
    public const string RequestId = "rq";
    public const string MessageId = "mi";
    public const string StopReason = "sr";
    public const string RateLimits = "rl";

    public const int EstimatedFlag = 1;
    public const int StreamingFlag = 2;
    public const int RequestModelIsModelFlag = 4;


    /// <summary>The unique key without its "yyyyMMdd|" day prefix (schema 1 keys have none).</summary>
    public static ReadOnlySpan<char> KeyBody(string storedKey) =>
        storedKey.Length > 9 && storedKey[8] == '|' && !storedKey.AsSpan(0, 8).ContainsAnyExceptInRange('0', '9') ? storedKey.AsSpan(9) : storedKey.AsSpan();

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

    private static string? AsString(BsonValue value) => value.IsString ? value.AsString : null;

    private static long AsLong(BsonValue value) => value.IsNumber ? value.AsInt64 : 0;
}
