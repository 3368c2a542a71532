// The unique key of a stored event, and the UTC ticks and hour every part of the store agrees on.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>Keys and time units shared by the writer and the readers.</summary>
internal static class UsageKeys
{
    /// <summary>
    /// The unique key of schema 3, the _id of the keys collection: the event's UTC day number in the top 32 bits, then
    /// 96 bits of the SHA-256 of <see cref="UsageEvent.UniqueKey"/> (the event id: provider ids are not unique enough,
    /// upstreams reuse them). Keys stored by earlier engines from provider ids stay in the collection unused (they can
    /// never match a new key). A retried write or a re-import carries the same timestamp, so it meets the same key; the day in front keeps inserts near the end of the index instead of at
    /// random places, which is what makes bulk ingest fast once the store holds millions of events. Stored as 16
    /// big-endian bytes, it compares byte by byte: LiteDB compares strings ignoring case, and provider ids are not.
    /// </summary>
    public static UInt128 KeyOf(UsageEvent usageEvent)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(usageEvent.UniqueKey), hash);
        var day = (uint)(UtcTicks(usageEvent.Timestamp) / TimeSpan.TicksPerDay);
        BinaryPrimitives.WriteUInt32BigEndian(hash, day);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    /// <summary>A key as the keys collection stores it: 16 bytes, big-endian (byte order is numeric order).</summary>
    public static BsonValue ToBson(UInt128 key)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, key);
        return new BsonValue(bytes);
    }

    /// <summary>A key read back from the keys collection.</summary>
    public static UInt128 FromBson(BsonValue value) => BinaryPrimitives.ReadUInt128BigEndian(value.AsBinary);

    /// <summary>UTC ticks of an event timestamp; a Local timestamp is converted, an Unspecified one taken as UTC.</summary>
    public static long UtcTicks(DateTime timestamp) =>
        timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime().Ticks : timestamp.Ticks;

    /// <summary>The hour number of a UTC tick count (hours since 0001-01-01): the unit of chunks and rollups.</summary>
    public static long HourOf(long utcTicks) => utcTicks / TimeSpan.TicksPerHour;
}
