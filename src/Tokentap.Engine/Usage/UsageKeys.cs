// The unique key of a stored event, and the UTC ticks and hour every part of the store agrees on.
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.Usage;

/// <summary>Keys and time units shared by the writer, the readers and the schema migrations.</summary>
internal static class UsageKeys
{
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

    /// <summary>UTC ticks of an event timestamp; a Local timestamp is converted, an Unspecified one taken as UTC.</summary>
    public static long UtcTicks(DateTime timestamp) =>
        timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime().Ticks : timestamp.Ticks;

    /// <summary>The hour number of a UTC tick count (hours since 0001-01-01): the unit of chunks and rollups.</summary>
    public static long HourOf(long utcTicks) => utcTicks / TimeSpan.TicksPerHour;
}
