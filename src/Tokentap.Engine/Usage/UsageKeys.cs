// The unique key of a stored event, and the UTC ticks and hour every part of the store agrees on.
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tokentap.Engine.Usage;

/// <summary>Keys and time units shared by the writer and the readers.</summary>
internal static class UsageKeys
{
    /// <summary>The UUID version whose first 48 bits are Unix milliseconds (RFC 9562).</summary>
    private const int TimeOrderedVersion = 7;

    /// <summary>
    /// The unique key of an event: its UTC day number in the top 32 bits, then 96 bits that depend on the event id alone
    /// (<see cref="UsageEvent.UniqueKey"/>: provider ids are not unique enough, upstreams reuse them), so the same id on
    /// the same UTC day is one event, whatever its time of day, and a retried write or a re-import meets the same key.
    /// No file stores it since schema 5: a write compares the keys of its events with those of the events stored in the
    /// chunks of their days (see <see cref="UsageWriter.StoredKeys"/>). For a time-ordered (version 7) id, as new events
    /// get, the 96 bits are the id's 48 bits of Unix milliseconds, then 48 bits of the SHA-256 of the unique key; any
    /// other id (the random ids of earlier events, ids made from agent log entries) gets <see cref="Schema3KeyOf"/>.
    /// </summary>
    public static UInt128 KeyOf(UsageEvent usageEvent)
    {
        if (!IsTimeOrdered(usageEvent.Id, out var milliseconds))
        {
            return Schema3KeyOf(usageEvent);
        }

        var day = (uint)(UtcTicks(usageEvent.Timestamp) / TimeSpan.TicksPerDay);
        return ((UInt128)day << 96) | ((UInt128)milliseconds << 48) | (ulong)(HashOf(usageEvent.Id) >> 80);
    }

    /// <summary>
    /// The key schema 3 files stored: the UTC day in the top 32 bits, then the last 96 bits of the first 128 of the
    /// SHA-256 of the unique key; still the key of every id that is not time-ordered.
    /// </summary>
    public static UInt128 Schema3KeyOf(UsageEvent usageEvent)
    {
        var day = (uint)(UtcTicks(usageEvent.Timestamp) / TimeSpan.TicksPerDay);
        return ((UInt128)day << 96) | (HashOf(usageEvent.Id) & ((UInt128.One << 96) - 1));
    }

    /// <summary>Whether an id is a version 7 UUID, and its Unix milliseconds (its first 48 bits) if so.</summary>
    public static bool IsTimeOrdered(Guid id, out ulong milliseconds)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!id.TryWriteBytes(bytes, bigEndian: true, out _))
        {
            throw new InvalidOperationException("An event id did not fit in 16 bytes.");
        }

        milliseconds = BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16;
        return (bytes[6] >> 4) == TimeOrderedVersion;
    }

    /// <summary>
    /// The first 128 bits (big-endian) of the SHA-256 of the UTF-8 of <see cref="UsageEvent.UniqueKey"/>, "id:" and the
    /// id's 32 hex digits, formatted on the stack instead of as two strings and a byte array per event.
    /// </summary>
    private static UInt128 HashOf(Guid id)
    {
        Span<byte> text = stackalloc byte[35];
        "id:"u8.CopyTo(text);
        if (!id.TryFormat(text[3..], out var written, "N") || written != 32)
        {
            throw new InvalidOperationException("An event id did not format as 32 hex digits.");
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(text, hash);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    /// <summary>UTC ticks of an event timestamp; a Local timestamp is converted, an Unspecified one taken as UTC.</summary>
    public static long UtcTicks(DateTime timestamp) =>
        timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime().Ticks : timestamp.Ticks;

    /// <summary>The hour number of a UTC tick count (hours since 0001-01-01): the unit of chunks and rollups.</summary>
    public static long HourOf(long utcTicks) => utcTicks / TimeSpan.TicksPerHour;
}
