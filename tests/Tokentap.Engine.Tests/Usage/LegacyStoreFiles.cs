// Turns a store into a real schema 2 file (one document per event), so the migration to chunks is tested on true input.
using System.Buffers.Binary;
using LiteDB;
using LiteDB.Engine;
using Tokentap.Engine.Usage;
using static Tokentap.Engine.Usage.LegacyEventDocument;

namespace Tokentap.Engine.Tests.Usage;

/// <summary>
/// The schema 2 writer as it shipped (one document per event, short field names, ids the key holds left out), and a
/// conversion of a current file back to schema 2 that keeps its rollups and labels, which schema 2 files had too.
/// </summary>
internal static class LegacyStoreFiles
{
    /// <summary>Rewrites the file at <paramref name="path"/> as schema 2: events become documents, chunks go.</summary>
    /// <param name="path">A store file written by the current engine (closed).</param>
    /// <param name="keyHoldsDay">False writes schema 1 keys (no "yyyyMMdd|" in front) and sets version 1.</param>
    /// <param name="alsoStoreRequestId">Also store the request id in "rq" (0.1.0 previews did), though the key holds it.</param>
    public static void ConvertToSchema2(string path, bool keyHoldsDay = true, bool alsoStoreRequestId = false)
    {
        using var engine = new LiteEngine(new EngineSettings { Filename = path });
        var events = new List<StoredEvent>();
        using (var reader = engine.Query(UsageSchema.Chunks, new Query()))
        {
            while (reader.Read())
            {
                UsageChunkDocument.ReadEvents(reader.Current.AsDocument, events);
            }
        }

        engine.EnsureIndex("events", "key", BsonExpression.Create("$.k"), unique: true);
        engine.EnsureIndex("events", "time", BsonExpression.Create("$.o"), unique: true);
        var documents = events.Select(e =>
        {
            var key = UsageKeys.StoredKey(e.Event);
            var document = Schema2Document(e.Event, key, e.Position);
            if (!keyHoldsDay)
            {
                document["k"] = key[9..];
            }

            if (alsoStoreRequestId && e.Event.RequestId is { } requestId)
            {
                document["rq"] = requestId;
            }

            return document;
        });
        engine.Insert("events", documents, BsonAutoId.Int64);
        engine.DropCollection(UsageSchema.Chunks);
        engine.DropCollection(UsageSchema.Keys);
        engine.DropCollection(UsageSchema.Meta);
        engine.Pragma("USER_VERSION", keyHoldsDay ? 2 : 1);
    }

    /// <summary>
    /// Leaves the file as a migration to version 3 cut short would: every event a schema 2 document, those before
    /// <paramref name="fromPosition"/> also moved into chunks (with the migration's mark), version 2. Rollups and labels
    /// (for all) stay.
    /// </summary>
    public static void UndoMigrationFrom(string path, long fromPosition)
    {
        using var engine = new LiteEngine(new EngineSettings { Filename = path });
        var events = new List<StoredEvent>();
        using (var reader = engine.Query(UsageSchema.Chunks, new Query()))
        {
            while (reader.Read())
            {
                UsageChunkDocument.ReadEvents(reader.Current.AsDocument, events);
            }
        }

        engine.DeleteMany(UsageSchema.Chunks, BsonExpression.Create("$._id > 0"));
        engine.DeleteMany(UsageSchema.Keys, BsonExpression.Create("$._id != null"));
        var moved = events.Where(e => e.Position < fromPosition).ToList();
        engine.Insert(UsageSchema.Keys, moved.Select(e => new BsonDocument { ["_id"] = UsageKeys.ToBson(UsageKeys.KeyOf(e.Event)) }), BsonAutoId.Int64);
        UsageWriter.Append(engine, moved);
        UsageWriter.SetLastPosition(engine, fromPosition - 1);
        UsageWriter.WriteMeta(engine, "migrated-through", fromPosition - 1);
        engine.EnsureIndex("events", "key", BsonExpression.Create("$.k"), unique: true);
        engine.EnsureIndex("events", "time", BsonExpression.Create("$.o"), unique: true);
        engine.Insert("events", events.Select(e => Schema2Document(e.Event, UsageKeys.StoredKey(e.Event), e.Position)), BsonAutoId.Int64);
        engine.Pragma("USER_VERSION", 2);
    }

    private static byte[] OrderKey(long ticks, long position)
    {
        var key = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(key, ticks);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(8), position);
        return key;
    }

    private static BsonDocument Schema2Document(UsageEvent usageEvent, string storedKey, long position)
    {
        var ticks = UsageKeys.UtcTicks(usageEvent.Timestamp);
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
        PutString(doc, LegacyEventDocument.Session, usageEvent.Session);
        PutString(doc, ClientSessionId, usageEvent.ClientSessionId);
        PutString(doc, Project, usageEvent.Project);
        PutString(doc, StopReason, usageEvent.StopReason);
        if (usageEvent.RateLimits is { } rateLimits)
        {
            doc[RateLimits] = RateLimitDocument.ToDocument(rateLimits);
        }

        return doc;
    }

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
