// Stores RateLimitSnapshot in usage chunks by reflection, so members added to it later are stored without a change here.
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Stores every public read/write property of <see cref="RateLimitSnapshot"/>, leaving nulls out. The members known
/// today are stored under fixed two-letter field names (these sub-documents are in most Anthropic events, so long names
/// would cost ~150 bytes per event); members added later are stored under their own property name. Reading is lenient:
/// unknown names (a removed member) and values of an unexpected type are skipped.
/// </summary>
internal static class RateLimitDocument
{
    // Part of the file format: never change or reuse a code. New members need no entry (they use their own name).
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["UnifiedStatus"] = "us",
        ["UnifiedReset"] = "ur",
        ["UnifiedRepresentativeClaim"] = "uc",
        ["Unified5hUtilization"] = "5u",
        ["Unified5hReset"] = "5r",
        ["Unified5hStatus"] = "5s",
        ["Unified7dUtilization"] = "7u",
        ["Unified7dReset"] = "7r",
        ["Unified7dStatus"] = "7s",
        ["RequestsLimit"] = "ql",
        ["RequestsRemaining"] = "qm",
        ["RequestsReset"] = "qr",
        ["TokensLimit"] = "tl",
        ["TokensRemaining"] = "tm",
        ["TokensReset"] = "tr",
        ["InputTokensLimit"] = "il",
        ["InputTokensRemaining"] = "im",
        ["InputTokensReset"] = "ir",
        ["OutputTokensLimit"] = "ol",
        ["OutputTokensRemaining"] = "om",
        ["OutputTokensReset"] = "or",
    };

    private static readonly PropertyInfo[] Properties = typeof(RateLimitSnapshot)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && IsSupported(p.PropertyType))
        .ToArray();

    private static readonly (PropertyInfo Property, string Field)[] Fields =
        Properties.Select(p => (p, ShortNames.GetValueOrDefault(p.Name, p.Name))).ToArray();

    // Typed setters for reading chunks, by stored name.
    private static readonly Dictionary<string, RateLimitMember> MembersByField =
        Fields.ToDictionary(f => f.Field, f => RateLimitMember.For(f.Property), StringComparer.Ordinal);

    /// <summary>The property types this mapping stores exactly.</summary>
    public static bool IsSupported(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(long) || t == typeof(int) || t == typeof(double) || t == typeof(bool)
            || t == typeof(decimal) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(TimeSpan);
    }

    // Type tags of rate-limit values in a usage chunk: part of the file format, never renumber or reuse one.
    private const byte StringTag = 1;
    private const byte LongTag = 2;
    private const byte IntTag = 3;
    private const byte DoubleTag = 4;
    private const byte BoolTag = 5;
    private const byte DecimalTag = 6;
    private const byte UtcInstantTag = 7;
    private const byte OffsetInstantTag = 8;
    private const byte DateTimeTag = 9;
    private const byte TimeSpanTag = 10;

    /// <summary>Writes the non-null members as a count and (name, type, value) triples; names go to the string table.</summary>
    public static void Write(ref ChunkWriter writer, ChunkStringTable strings, RateLimitSnapshot snapshot)
    {
        var values = new object?[Fields.Length];
        var count = 0;
        for (var i = 0; i < Fields.Length; i++)
        {
            values[i] = Fields[i].Property.GetValue(snapshot);
            count += values[i] is null ? 0 : 1;
        }

        writer.WriteVarint((ulong)count);
        for (var i = 0; i < Fields.Length; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }

            writer.WriteVarint(strings.Index(Fields[i].Field));
            switch (value)
            {
                case string s: writer.WriteByte(StringTag); writer.WriteVarint(strings.Index(s)); break;
                case long l: writer.WriteByte(LongTag); writer.WriteSigned(l); break;
                case int n: writer.WriteByte(IntTag); writer.WriteSigned(n); break;
                case double d: writer.WriteByte(DoubleTag); writer.WriteDouble(d); break;
                case bool b: writer.WriteByte(BoolTag); writer.WriteByte(b ? (byte)1 : (byte)0); break;
                case decimal m: writer.WriteByte(DecimalTag); writer.WriteDecimal(m); break;
                case DateTimeOffset o when o.Offset == TimeSpan.Zero: writer.WriteByte(UtcInstantTag); writer.WriteSigned(o.UtcTicks); break;
                case DateTimeOffset o: writer.WriteByte(OffsetInstantTag); writer.WriteSigned(o.Ticks); writer.WriteSigned(o.Offset.Ticks / TimeSpan.TicksPerMinute); break;
                case DateTime t: writer.WriteByte(DateTimeTag); writer.WriteSigned(t.Kind == DateTimeKind.Local ? t.ToUniversalTime().Ticks : t.Ticks); break;
                case TimeSpan span: writer.WriteByte(TimeSpanTag); writer.WriteSigned(span.Ticks); break;
                default: throw new InvalidOperationException($"RateLimitSnapshot member of type {value.GetType()} has no stored form.");
            }
        }
    }

    /// <summary>
    /// Reads what <see cref="Write"/> wrote. Lenient: a name no member has (a removed
    /// member) or a value that does not fit the member's type is skipped. <paramref name="members"/> caches, per
    /// string-table index, the member a name resolves to (one array per chunk; null until the first rate limits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RateLimitSnapshot Read(ref ChunkReader reader, string[] strings, ref RateLimitMember?[]? members)
    {
        members ??= new RateLimitMember?[strings.Length];
        var snapshot = new RateLimitSnapshot();
        var count = reader.ReadVarint();
        for (ulong i = 0; i < count; i++)
        {
            var nameIndex = reader.ReadIndex(strings.Length);
            var member = members[nameIndex] ??= MembersByField.GetValueOrDefault(strings[nameIndex]) ?? RateLimitMember.Unknown;
            switch (reader.ReadByte())
            {
                case StringTag: member.Set(snapshot, strings[reader.ReadIndex(strings.Length)]); break;
                case LongTag: member.SetNumber(snapshot, reader.ReadSigned()); break;
                case IntTag: member.SetNumber(snapshot, reader.ReadSigned()); break;
                case DoubleTag: member.SetNumber(snapshot, reader.ReadDouble()); break;
                case BoolTag: member.Set(snapshot, reader.ReadByte() != 0); break;
                case DecimalTag: member.SetNumber(snapshot, reader.ReadDecimal()); break;
                case UtcInstantTag: member.Set(snapshot, new DateTimeOffset(reader.ReadSigned(), TimeSpan.Zero)); break;
                case OffsetInstantTag: member.Set(snapshot, ReadOffsetInstant(ref reader)); break;
                case DateTimeTag: member.Set(snapshot, new DateTime(reader.ReadSigned(), DateTimeKind.Utc)); break;
                case TimeSpanTag: member.Set(snapshot, new TimeSpan(reader.ReadSigned())); break;
                case var tag: throw new UsageChunkException($"Usage chunk holds a rate-limit value of unknown type {tag}.");
            }
        }

        return snapshot;
    }

    /// <summary>Steps over what <see cref="Write"/> wrote (a count, then name, type and value each), decoding nothing.</summary>
    public static void Skip(ref ChunkReader reader)
    {
        var count = reader.ReadVarint();
        for (ulong i = 0; i < count; i++)
        {
            reader.ReadVarint();
            switch (reader.ReadByte())
            {
                case StringTag or LongTag or IntTag or UtcInstantTag or DateTimeTag or TimeSpanTag: reader.ReadVarint(); break;
                case DoubleTag: reader.Skip(8); break;
                case BoolTag: reader.ReadByte(); break;
                case DecimalTag: reader.ReadVarint(); reader.ReadVarint(); reader.ReadVarint(); reader.ReadVarint(); break;
                case OffsetInstantTag: reader.ReadVarint(); reader.ReadVarint(); break;
                case var tag: throw new UsageChunkException($"Usage chunk holds a rate-limit value of unknown type {tag}.");
            }
        }
    }

    private static DateTimeOffset ReadOffsetInstant(ref ChunkReader reader)
    {
        var ticks = reader.ReadSigned();
        var offset = TimeSpan.FromMinutes(reader.ReadSigned());
        try
        {
            return new DateTimeOffset(ticks, offset);
        }
        catch (ArgumentException ex)
        {
            throw new UsageChunkException("Usage chunk holds an invalid instant.", ex);
        }
    }
}
