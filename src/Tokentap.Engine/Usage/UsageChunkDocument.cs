// A chunk document: up to a few hundred events of one UTC hour, in the binary form of UsageChunkCodec.
using LiteDB;
using LiteDB.Engine;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Events live many to a document: <c>{ _id, h, n, b }</c> with the UTC hour, the event count and the encoded events.
/// The _id is the highest position the chunk held when it was last appended to, so every event with a position above p
/// is in a chunk whose _id is above p (what the live tail reads), and _ids never repeat (positions are never reused).
/// </summary>
internal static class UsageChunkDocument
{
    public const string Id = "_id";
    public const string Hour = "h";
    public const string Count = "n";
    public const string Data = "b";

    /// <summary>The most events a chunk holds. Larger chunks make reads cheaper and appends dearer.</summary>
    public const int Capacity = 256;

    /// <summary>A chunk document for events of one hour, in time order.</summary>
    public static BsonDocument ToDocument(long id, long hour, IReadOnlyList<StoredEvent> events) => new()
    {
        [Id] = id,
        [Hour] = hour,
        [Count] = events.Count,
        [Data] = UsageChunkCodec.Encode(events),
    };

    public static long IdOf(BsonDocument doc) => doc[Id].AsInt64;

    /// <summary>The chunk with this _id, or null when there is none (any longer).</summary>
    public static BsonDocument? Find(LiteEngine engine, BsonValue id)
    {
        using var reader = engine.Query(UsageSchema.Chunks, new Query { Where = { BsonExpression.Create("$._id = @0", id) } });
        return reader.Read() ? reader.Current.AsDocument : null;
    }

    public static long HourOf(BsonDocument doc) => doc[Hour].AsInt64;

    public static int CountOf(BsonDocument doc) => doc.TryGetValue(Count, out var n) && n.IsNumber ? n.AsInt32 : 0;

    /// <summary>Adds the chunk's events (those <paramref name="keep"/> passes, when given) to a list.</summary>
    /// <exception cref="UsageChunkException">The chunk is not readable (see <see cref="UsageChunkCodec.Decode"/>).</exception>
    public static void ReadEvents(BsonDocument doc, List<StoredEvent> into, UsageFilterMatcher? keep = null)
    {
        if (!doc.TryGetValue(Data, out var data) || !data.IsBinary)
        {
            throw new UsageChunkException($"Usage chunk {doc[Id]} has no event data.");
        }

        UsageChunkCodec.Decode(data.AsBinary, into, keep);
    }

    /// <summary>Adds the ids of the chunk's events to a list, decoding nothing else.</summary>
    /// <exception cref="UsageChunkException">The chunk is not readable (see <see cref="UsageChunkCodec.ReadIds"/>).</exception>
    public static void ReadIds(BsonDocument doc, List<Guid> into)
    {
        if (!doc.TryGetValue(Data, out var data) || !data.IsBinary)
        {
            throw new UsageChunkException($"Usage chunk {doc[Id]} has no event data.");
        }

        UsageChunkCodec.ReadIds(data.AsBinary, into);
    }
}
