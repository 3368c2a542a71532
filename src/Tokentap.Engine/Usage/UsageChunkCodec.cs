// The binary form of a chunk of stored events: a string table, then each event as deltas and present fields only.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Encodes the events of one chunk document. LiteDB spends most of a read on per-document and per-field work (a
/// dictionary, a name string and a value object per field), so events are kept many to a document in this compact
/// form: labels that repeat (provider, model, app, session, project, host) are written once per chunk in a string
/// table, timestamps and positions as variable-length deltas, and every field that is null or zero is left out.
/// Format version 1:
/// <code>
/// chunk  = version:byte stringCount:varint (length:varint utf8)* eventCount:varint event*
/// event  = ticksDelta:zigzag positionDelta:zigzag fields:varint id:16 (field value in bit order)*
/// </code>
/// Strings are string-table indexes, counts zigzag varints, doubles 8 bytes little-endian, the cost a decimal as its
/// four 32-bit parts, rate limits a count and (name index, type tag, value) triples so members added to
/// <see cref="RateLimitSnapshot"/> later are stored without a format change. A field added to the event takes the next
/// bit: chunks written before it simply lack the bit and still read (the client process id and name, bits 28 and 29,
/// came this way; the source and conversation link, bits 30 to 34, the request fingerprint, bit 35 (16 bytes), and the
/// Blocked flag, bit 36 (no payload), made the field mask a 64-bit varint, which reads every older chunk the same).
/// </summary>
internal static class UsageChunkCodec
{
    public const byte FormatVersion = 1;

    // Field bits: part of the file format, never renumber or reuse one.
    private const int Provider = 0;
    private const int Host = 1;
    private const int Endpoint = 2;
    private const int Model = 3;
    private const int RequestModel = 4;
    private const int RequestModelIsModel = 5;
    private const int InputTokens = 6;
    private const int CacheReadTokens = 7;
    private const int CacheWriteTokens = 8;
    private const int CacheWrite1hTokens = 9;
    private const int OutputTokens = 10;
    private const int ReasoningTokens = 11;
    private const int Cost = 12;
    private const int Estimated = 13;
    private const int Streaming = 14;
    private const int StatusCode = 15;
    private const int Error = 16;
    private const int DurationMs = 17;
    private const int TimeToFirstByteMs = 18;
    private const int App = 19;
    private const int AppVersion = 20;
    private const int Session = 21;
    private const int ClientSessionId = 22;
    private const int Project = 23;
    private const int RequestId = 24;
    private const int MessageId = 25;
    private const int StopReason = 26;
    private const int RateLimits = 27;
    private const int ClientProcessId = 28;
    private const int ClientProcessName = 29;
    private const int Source = 30;
    private const int ConversationId = 31;
    private const int TurnIndex = 32;
    private const int TurnStart = 33;
    private const int EstimatedReason = 34;
    private const int Fingerprint = 35;
    private const int Blocked = 36;
    private const long KnownFields = (1L << 37) - 1;

    /// <summary>Encodes events that are already in time order (see <see cref="StoredEvent.Compare"/>).</summary>
    public static byte[] Encode(IReadOnlyList<StoredEvent> events)
    {
        // Both buffers come from the shared pool: a chunk is rewritten on every recorder batch, and growing new arrays
        // (then copying the result out) cost about four times the chunk's size in allocations each time.
        var strings = new ChunkStringTable(2 * events.Count + 16);
        var body = ChunkWriter.Pooled(events.Count * 128);
        try
        {
            return Encode(events, strings, ref body);
        }
        finally
        {
            body.Return();
        }
    }

    private static byte[] Encode(IReadOnlyList<StoredEvent> events, ChunkStringTable strings, ref ChunkWriter body)
    {
        body.WriteVarint((ulong)events.Count);
        long ticks = 0, position = 0;
        foreach (var stored in events)
        {
            var e = stored.Event;
            var eventTicks = stored.Ticks;
            body.WriteSigned(eventTicks - ticks);
            body.WriteSigned(stored.Position - position);
            ticks = eventTicks;
            position = stored.Position;
            var requestModelIsModel = e.RequestModel is not null && e.RequestModel == e.Model;
            var fields = 0L;
            Mark(ref fields, Provider, !string.IsNullOrEmpty(e.Provider));
            Mark(ref fields, Host, !string.IsNullOrEmpty(e.Host));
            Mark(ref fields, Endpoint, !string.IsNullOrEmpty(e.Endpoint));
            Mark(ref fields, Model, e.Model is not null);
            Mark(ref fields, RequestModel, e.RequestModel is not null && !requestModelIsModel);
            Mark(ref fields, RequestModelIsModel, requestModelIsModel);
            Mark(ref fields, InputTokens, e.InputTokens != 0);
            Mark(ref fields, CacheReadTokens, e.CacheReadTokens != 0);
            Mark(ref fields, CacheWriteTokens, e.CacheWriteTokens != 0);
            Mark(ref fields, CacheWrite1hTokens, e.CacheWrite1hTokens != 0);
            Mark(ref fields, OutputTokens, e.OutputTokens != 0);
            Mark(ref fields, ReasoningTokens, e.ReasoningTokens != 0);
            Mark(ref fields, Cost, e.Cost is not null);
            Mark(ref fields, Estimated, e.Estimated);
            Mark(ref fields, Streaming, e.Streaming);
            Mark(ref fields, StatusCode, e.StatusCode != 0);
            Mark(ref fields, Error, e.Error is not null);
            Mark(ref fields, DurationMs, e.DurationMs != 0);
            Mark(ref fields, TimeToFirstByteMs, e.TimeToFirstByteMs is not null);
            Mark(ref fields, App, e.App is not null);
            Mark(ref fields, AppVersion, e.AppVersion is not null);
            Mark(ref fields, Session, e.Session is not null);
            Mark(ref fields, ClientSessionId, e.ClientSessionId is not null);
            Mark(ref fields, Project, e.Project is not null);
            Mark(ref fields, RequestId, e.RequestId is not null);
            Mark(ref fields, MessageId, e.MessageId is not null);
            Mark(ref fields, StopReason, e.StopReason is not null);
            Mark(ref fields, RateLimits, e.RateLimits is not null);
            Mark(ref fields, ClientProcessId, e.ClientProcessId is not null);
            Mark(ref fields, ClientProcessName, e.ClientProcessName is not null);
            Mark(ref fields, Source, e.Source != UsageSource.Proxy);
            Mark(ref fields, ConversationId, e.ConversationId is not null);
            Mark(ref fields, TurnIndex, e.TurnIndex is not null);
            Mark(ref fields, TurnStart, e.TurnStart is not null);
            Mark(ref fields, EstimatedReason, e.EstimatedReason is not null);
            var fingerprint = RequestFingerprint.ToGuid(e.RequestFingerprint);
            Mark(ref fields, Fingerprint, fingerprint is not null);
            Mark(ref fields, Blocked, e.Blocked);
            body.WriteVarint((ulong)fields);
            body.WriteGuid(e.Id);
            for (var rest = fields; rest != 0; rest &= rest - 1)
            {
                switch (BitOperations.TrailingZeroCount(rest))
                {
                    case Provider: body.WriteVarint(strings.Index(e.Provider)); break;
                    case Host: body.WriteVarint(strings.Index(e.Host)); break;
                    case Endpoint: body.WriteVarint(strings.Index(e.Endpoint)); break;
                    case Model: body.WriteVarint(strings.Index(e.Model!)); break;
                    case RequestModel: body.WriteVarint(strings.Index(e.RequestModel!)); break;
                    case InputTokens: body.WriteSigned(e.InputTokens); break;
                    case CacheReadTokens: body.WriteSigned(e.CacheReadTokens); break;
                    case CacheWriteTokens: body.WriteSigned(e.CacheWriteTokens); break;
                    case CacheWrite1hTokens: body.WriteSigned(e.CacheWrite1hTokens); break;
                    case OutputTokens: body.WriteSigned(e.OutputTokens); break;
                    case ReasoningTokens: body.WriteSigned(e.ReasoningTokens); break;
                    case Cost: body.WriteDecimal(e.Cost!.Value); break;
                    case StatusCode: body.WriteSigned(e.StatusCode); break;
                    case Error: body.WriteVarint(strings.Index(e.Error!)); break;
                    case DurationMs: body.WriteDouble(e.DurationMs); break;
                    case TimeToFirstByteMs: body.WriteDouble(e.TimeToFirstByteMs!.Value); break;
                    case App: body.WriteVarint(strings.Index(e.App!)); break;
                    case AppVersion: body.WriteVarint(strings.Index(e.AppVersion!)); break;
                    case Session: body.WriteVarint(strings.Index(e.Session!)); break;
                    case ClientSessionId: body.WriteVarint(strings.Index(e.ClientSessionId!)); break;
                    case Project: body.WriteVarint(strings.Index(e.Project!)); break;
                    case RequestId: body.WriteVarint(strings.Index(e.RequestId!)); break;
                    case MessageId: body.WriteVarint(strings.Index(e.MessageId!)); break;
                    case StopReason: body.WriteVarint(strings.Index(e.StopReason!)); break;
                    case RateLimits: RateLimitDocument.Write(ref body, strings, e.RateLimits!); break;
                    case ClientProcessId: body.WriteSigned(e.ClientProcessId!.Value); break;
                    case ClientProcessName: body.WriteVarint(strings.Index(e.ClientProcessName!)); break;
                    case Source: body.WriteVarint((ulong)e.Source); break;
                    case ConversationId: body.WriteVarint(strings.Index(e.ConversationId!)); break;
                    case TurnIndex: body.WriteSigned(e.TurnIndex!.Value); break;
                    case TurnStart: body.WriteSigned(UsageKeys.UtcTicks(e.TurnStart!.Value) - eventTicks); break;
                    case EstimatedReason: body.WriteVarint(strings.Index(e.EstimatedReason!)); break;
                    case Fingerprint: body.WriteGuid(fingerprint!.Value); break;
                    default: break;
                }
            }
        }

        var chunk = ChunkWriter.Pooled(body.Length + strings.ByteCount + 16);
        try
        {
            chunk.WriteByte(FormatVersion);
            strings.WriteTo(ref chunk);
            chunk.WriteBytes(body.Written);
            return chunk.Written.ToArray();
        }
        finally
        {
            chunk.Return();
        }
    }

    /// <summary>
    /// Decodes a chunk, adding to <paramref name="into"/> the events that pass <paramref name="keep"/> (all of them
    /// when it is null), in the chunk's time order.
    /// </summary>
    /// <exception cref="UsageChunkException">The bytes are not a chunk this version can read.</exception>
    public static void Decode(ReadOnlySpan<byte> data, List<StoredEvent> into, UsageFilterMatcher? keep = null)
    {
        var start = into.Count;
        try
        {
            DecodeCore(data, into, keep);
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentException)
        {
            into.RemoveRange(start, into.Count - start);
            throw new UsageChunkException("Usage chunk holds a value out of range.", ex);
        }
        catch (UsageChunkException)
        {
            into.RemoveRange(start, into.Count - start);
            throw;
        }
    }

    // Fully optimized on its first call: a user's first query in a new shell decodes ~100,000 events before the
    // tiered JIT would replace unoptimized code (see docs/benchmarks.md, "Store").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeCore(ReadOnlySpan<byte> data, List<StoredEvent> into, UsageFilterMatcher? keep)
    {
        var reader = new ChunkReader(data);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new UsageChunkException($"Unknown usage chunk format {version}.");
        }

        // Counts are checked against the bytes left (a string takes at least 1, an event at least 20), so a damaged
        // count fails here instead of asking for a huge array.
        var strings = new string[reader.ReadCount(1)];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = reader.ReadString();
        }

        var count = reader.ReadCount(20);
        RateLimitMember?[]? members = null;
        long ticks = 0, position = 0;
        for (var n = 0; n < count; n++)
        {
            ticks += reader.ReadSigned();
            position += reader.ReadSigned();
            var fields = (long)reader.ReadVarint();
            if ((fields & ~KnownFields) != 0)
            {
                throw new UsageChunkException($"Unknown usage chunk fields 0x{fields & ~KnownFields:x}.");
            }

            var e = new UsageEvent(reader.ReadGuid()) { Timestamp = new DateTime(ticks, DateTimeKind.Utc) };
            for (var rest = fields; rest != 0; rest &= rest - 1)
            {
                switch (BitOperations.TrailingZeroCount(rest))
                {
                    case Provider: e.Provider = strings[reader.ReadIndex(strings.Length)]; break;
                    case Host: e.Host = strings[reader.ReadIndex(strings.Length)]; break;
                    case Endpoint: e.Endpoint = strings[reader.ReadIndex(strings.Length)]; break;
                    case Model: e.Model = strings[reader.ReadIndex(strings.Length)]; break;
                    case RequestModel: e.RequestModel = strings[reader.ReadIndex(strings.Length)]; break;
                    case RequestModelIsModel: break;
                    case InputTokens: e.InputTokens = reader.ReadSigned(); break;
                    case CacheReadTokens: e.CacheReadTokens = reader.ReadSigned(); break;
                    case CacheWriteTokens: e.CacheWriteTokens = reader.ReadSigned(); break;
                    case CacheWrite1hTokens: e.CacheWrite1hTokens = reader.ReadSigned(); break;
                    case OutputTokens: e.OutputTokens = reader.ReadSigned(); break;
                    case ReasoningTokens: e.ReasoningTokens = reader.ReadSigned(); break;
                    case Cost: e.Cost = reader.ReadDecimal(); break;
                    case Estimated: e.Estimated = true; break;
                    case Streaming: e.Streaming = true; break;
                    case Blocked: e.Blocked = true; break;
                    case StatusCode: e.StatusCode = checked((int)reader.ReadSigned()); break;
                    case Error: e.Error = strings[reader.ReadIndex(strings.Length)]; break;
                    case DurationMs: e.DurationMs = reader.ReadDouble(); break;
                    case TimeToFirstByteMs: e.TimeToFirstByteMs = reader.ReadDouble(); break;
                    case App: e.App = strings[reader.ReadIndex(strings.Length)]; break;
                    case AppVersion: e.AppVersion = strings[reader.ReadIndex(strings.Length)]; break;
                    case Session: e.Session = strings[reader.ReadIndex(strings.Length)]; break;
                    case ClientSessionId: e.ClientSessionId = strings[reader.ReadIndex(strings.Length)]; break;
                    case Project: e.Project = strings[reader.ReadIndex(strings.Length)]; break;
                    case RequestId: e.RequestId = strings[reader.ReadIndex(strings.Length)]; break;
                    case MessageId: e.MessageId = strings[reader.ReadIndex(strings.Length)]; break;
                    case StopReason: e.StopReason = strings[reader.ReadIndex(strings.Length)]; break;
                    case RateLimits: e.RateLimits = RateLimitDocument.Read(ref reader, strings, ref members); break;
                    case ClientProcessId: e.ClientProcessId = checked((int)reader.ReadSigned()); break;
                    case ClientProcessName: e.ClientProcessName = strings[reader.ReadIndex(strings.Length)]; break;
                    case Source: e.Source = (UsageSource)checked((int)reader.ReadVarint()); break;
                    case ConversationId: e.ConversationId = strings[reader.ReadIndex(strings.Length)]; break;
                    case TurnIndex: e.TurnIndex = checked((int)reader.ReadSigned()); break;
                    case TurnStart: e.TurnStart = new DateTime(checked(ticks + reader.ReadSigned()), DateTimeKind.Utc); break;
                    case EstimatedReason: e.EstimatedReason = strings[reader.ReadIndex(strings.Length)]; break;
                    case Fingerprint: e.RequestFingerprint = RequestFingerprint.FromGuid(reader.ReadGuid()); break;
                    default: break;
                }
            }

            if ((fields & (1L << RequestModelIsModel)) != 0)
            {
                e.RequestModel = e.Model;
            }

            if (keep is null || keep.Matches(ticks, e))
            {
                into.Add(new StoredEvent(position, e));
            }
        }

        if (!reader.AtEnd)
        {
            throw new UsageChunkException("Usage chunk has bytes after its last event.");
        }
    }

    /// <summary>
    /// Adds the ids of a chunk's events to <paramref name="into"/>, in the chunk's order, decoding nothing else: strings
    /// and values are stepped over (what the writer's check for stored events needs of each event of a day).
    /// </summary>
    /// <exception cref="UsageChunkException">The bytes are not a chunk this version can read.</exception>
    public static void ReadIds(ReadOnlySpan<byte> data, List<Guid> into)
    {
        var start = into.Count;
        try
        {
            ReadIdsCore(data, into);
        }
        catch (UsageChunkException)
        {
            into.RemoveRange(start, into.Count - start);
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReadIdsCore(ReadOnlySpan<byte> data, List<Guid> into)
    {
        var reader = new ChunkReader(data);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new UsageChunkException($"Unknown usage chunk format {version}.");
        }

        var strings = reader.ReadCount(1);
        for (var i = 0; i < strings; i++)
        {
            reader.SkipString();
        }

        var count = reader.ReadCount(20);
        for (var n = 0; n < count; n++)
        {
            reader.ReadVarint();
            reader.ReadVarint();
            var fields = (long)reader.ReadVarint();
            if ((fields & ~KnownFields) != 0)
            {
                throw new UsageChunkException($"Unknown usage chunk fields 0x{fields & ~KnownFields:x}.");
            }

            into.Add(reader.ReadGuid());
            for (var rest = fields; rest != 0; rest &= rest - 1)
            {
                switch (BitOperations.TrailingZeroCount(rest))
                {
                    case RequestModelIsModel or Estimated or Streaming or Blocked: break;
                    case Cost: reader.ReadVarint(); reader.ReadVarint(); reader.ReadVarint(); reader.ReadVarint(); break;
                    case DurationMs or TimeToFirstByteMs: reader.Skip(8); break;
                    case Fingerprint: reader.Skip(16); break;
                    case RateLimits: RateLimitDocument.Skip(ref reader); break;

                    // Every other field is one varint: a string-table index or a (zigzag) number.
                    default: reader.ReadVarint(); break;
                }
            }
        }

        if (!reader.AtEnd)
        {
            throw new UsageChunkException("Usage chunk has bytes after its last event.");
        }
    }

    private static void Mark(ref long fields, int field, bool present)
    {
        if (present)
        {
            fields |= 1L << field;
        }
    }
}
