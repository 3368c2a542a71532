// The binary chunk format: exact round trips, shared strings, and damaged bytes always reported as damage.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageChunkCodecTests
{
    private static readonly DateTime Hour = new(2026, 3, 4, 5, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Events_round_trip_with_equal_times_falling_positions_and_extreme_values()
    {
        var events = new List<StoredEvent>
        {
            new(900, new UsageEvent { Timestamp = Hour, RequestId = "a", InputTokens = long.MaxValue, OutputTokens = -5, StatusCode = int.MinValue }),
            new(12, new UsageEvent { Timestamp = Hour, RequestId = "b", Cost = decimal.MaxValue, DurationMs = double.NaN }),
            new(13, new UsageEvent { Timestamp = Hour.AddTicks(TimeSpan.TicksPerHour - 1), MessageId = "m", Cost = -0.000000000000000001m, TimeToFirstByteMs = -0.0 }),
        };

        var decoded = Decode(UsageChunkCodec.Encode(events));

        Assert.Equal([900L, 12, 13], decoded.Select(e => e.Position));
        for (var i = 0; i < events.Count; i++)
        {
            UsageEventStorageTests.AssertSameEvent(events[i].Event, decoded[i].Event);
        }

        Assert.Equal(long.MaxValue, decoded[0].Event.InputTokens);
        Assert.Equal(-5, decoded[0].Event.OutputTokens);
        Assert.Equal(int.MinValue, decoded[0].Event.StatusCode);
        Assert.Equal(decimal.MaxValue, decoded[1].Event.Cost);
        Assert.True(double.IsNaN(decoded[1].Event.DurationMs));
        Assert.Equal(-0.000000000000000001m, decoded[2].Event.Cost);
        Assert.True(double.IsNegative(decoded[2].Event.TimeToFirstByteMs!.Value));
    }

    [Fact]
    public void Repeated_labels_are_stored_once_and_read_back_as_one_string()
    {
        var events = Enumerable.Range(0, 200).Select(i => new StoredEvent(i + 1, new UsageEvent
        {
            Timestamp = Hour.AddSeconds(i),
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = "claude-sonnet-4-5",
            App = "claude-code",
            Session = "claude-code-1",
            Project = "/home/user/a-rather-long-project-path",
            RequestId = "req_" + i,
        })).ToList();

        var bytes = UsageChunkCodec.Encode(events);
        var decoded = Decode(bytes);

        // Per event about 41.5 bytes: a 1 s time delta (4), a position delta (1), the field mask (4), the id (16), seven
        // label indexes (7), the request id's index (1 or 2) and the request id itself in the table (6 to 8). The seven
        // labels cost 88 bytes in the whole chunk instead of 88 per event.
        Assert.InRange(bytes.Length / 200.0, 41, 42);
        Assert.Same(decoded[0].Event.Model, decoded[199].Event.Model);
        Assert.Same(decoded[0].Event.Project, decoded[199].Event.Project);
        Assert.Equal("req_199", decoded[199].Event.RequestId);
    }

    [Fact]
    public void A_chunk_written_before_the_client_process_fields_still_reads_with_them_empty()
    {
        // Encoded by the codec before bits 28 and 29 existed: one event with provider, app, project, request id,
        // 7 input tokens and status 200 at 2026-03-04 05:00 UTC, position 1.
        var old = Convert.FromHexString(
            "010409616E7468726F706963046375726C042F702F610272310180A0D4B6DCEABCDE1102C180A20C3C2D1E0F5A4B78698796A5B4C3D2E1F0000E9003010203");

        var decoded = Assert.Single(Decode(old));

        Assert.Equal(1, decoded.Position);
        Assert.Equal(new Guid("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), decoded.Event.Id);
        Assert.Equal(Hour, decoded.Event.Timestamp);
        Assert.Equal("anthropic", decoded.Event.Provider);
        Assert.Equal("curl", decoded.Event.App);
        Assert.Equal("/p/a", decoded.Event.Project);
        Assert.Equal("r1", decoded.Event.RequestId);
        Assert.Equal(7, decoded.Event.InputTokens);
        Assert.Equal(200, decoded.Event.StatusCode);
        Assert.Null(decoded.Event.ClientProcessId);
        Assert.Null(decoded.Event.ClientProcessName);
    }

    [Fact]
    public void Client_process_id_and_name_round_trip_and_the_name_is_stored_once()
    {
        var events = new List<StoredEvent>
        {
            new(1, new UsageEvent { Timestamp = Hour, RequestId = "a", ClientProcessId = 4_194_304, ClientProcessName = "curl", Project = "/src/app" }),
            new(2, new UsageEvent { Timestamp = Hour.AddSeconds(1), RequestId = "b", ClientProcessId = 0, ClientProcessName = "" }),
            new(3, new UsageEvent { Timestamp = Hour.AddSeconds(2), RequestId = "c", ClientProcessId = 1, ClientProcessName = "curl" }),
            new(4, new UsageEvent { Timestamp = Hour.AddSeconds(3), RequestId = "d" }),
        };

        var decoded = Decode(UsageChunkCodec.Encode(events));

        Assert.Equal(new int?[] { 4_194_304, 0, 1, null }, decoded.Select(e => e.Event.ClientProcessId));
        Assert.Equal(new[] { "curl", "", "curl", null }, decoded.Select(e => e.Event.ClientProcessName));
        Assert.Same(decoded[0].Event.ClientProcessName, decoded[2].Event.ClientProcessName);
        Assert.Equal("/src/app", decoded[0].Event.Project);
        for (var i = 0; i < events.Count; i++)
        {
            UsageEventStorageTests.AssertSameEvent(events[i].Event, decoded[i].Event);
        }
    }

    [Fact]
    public void The_filter_keeps_only_matching_events()
    {
        var events = new List<StoredEvent>
        {
            new(1, new UsageEvent { Timestamp = Hour, Model = "gpt-5", StatusCode = 200 }),
            new(2, new UsageEvent { Timestamp = Hour.AddMinutes(1), Model = "gpt-5-mini", StatusCode = 200 }),
            new(3, new UsageEvent { Timestamp = Hour.AddMinutes(2), Model = "gpt-5", StatusCode = 500 }),
            new(4, new UsageEvent { Timestamp = Hour.AddMinutes(3), Model = "gpt-5", StatusCode = 200 }),
        };
        var matcher = new UsageFilterMatcher(new UsageFilter { Model = ["gpt-5"], Status = UsageStatus.Success, Until = Hour.AddMinutes(3) });

        var decoded = new List<StoredEvent>();
        UsageChunkCodec.Decode(UsageChunkCodec.Encode(events), decoded, matcher);

        Assert.Equal([1L], decoded.Select(e => e.Position));
    }

    [Fact]
    public void Request_fingerprints_take_16_bytes_and_read_back_in_lowercase_hex()
    {
        var events = new List<StoredEvent>
        {
            new(1, new UsageEvent { Timestamp = Hour, RequestId = "a", RequestFingerprint = "00112233445566778899aabbccddeeff" }),
            new(2, new UsageEvent { Timestamp = Hour, RequestId = "b", RequestFingerprint = "00112233445566778899AABBCCDDEEFF" }),
            new(3, new UsageEvent { Timestamp = Hour, RequestId = "c", RequestFingerprint = "not a fingerprint" }),
            new(4, new UsageEvent { Timestamp = Hour, RequestId = "d" }),
        };
        var decoded = Decode(UsageChunkCodec.Encode(events));

        Assert.Equal(
            new[] { "00112233445566778899aabbccddeeff", "00112233445566778899aabbccddeeff", null, null },
            decoded.Select(e => e.Event.RequestFingerprint));

        // 16 bytes, and the field mask (a varint, 7 bits a byte) grows from 4 to 6 bytes for bit 35.
        var with = UsageChunkCodec.Encode([events[0]]);
        var without = UsageChunkCodec.Encode([events[0] with { Event = new UsageEvent(events[0].Event.Id) { Timestamp = Hour, RequestId = "a" } }]);
        Assert.Equal(18, with.Length - without.Length);
    }

    [Fact]
    public void Every_truncation_of_a_chunk_is_reported_as_damage_and_adds_nothing()
    {
        var events = new List<StoredEvent>
        {
            new(1, UsageEventStorageTests.FullEvent()),
            new(2, new UsageEvent { Timestamp = Hour, RequestId = "second", Model = "m" }),
        };
        var bytes = UsageChunkCodec.Encode(events);
        for (var length = 0; length < bytes.Length; length++)
        {
            var into = new List<StoredEvent> { new(99, new UsageEvent()) };
            Assert.Throws<UsageChunkException>(() => UsageChunkCodec.Decode(bytes.AsSpan(0, length), into));
            Assert.Single(into);
        }

        var longer = bytes.Append((byte)0).ToArray();
        Assert.Contains("after its last event", Assert.Throws<UsageChunkException>(() => Decode(longer)).Message);
    }

    [Fact]
    public void Unknown_formats_fields_and_huge_counts_are_damage_not_crashes()
    {
        var bytes = UsageChunkCodec.Encode([new StoredEvent(1, new UsageEvent { Timestamp = Hour, RequestId = "r" })]);

        var version = (byte[])bytes.Clone();
        version[0] = 2;
        Assert.Contains("format 2", Assert.Throws<UsageChunkException>(() => Decode(version)).Message);

        // version 1, no strings, one event: zero deltas, a field mask with bit 40 set (a field this version lacks), id.
        var field = new byte[] { 1, 0, 1, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20 }.Concat(new byte[16]).ToArray();
        Assert.Contains("Unknown usage chunk fields", Assert.Throws<UsageChunkException>(() => Decode(field)).Message);

        // A string count of 2^62 in a chunk of a dozen bytes.
        var huge = new byte[] { 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0, 0, 0 };
        Assert.Contains("count larger than its bytes", Assert.Throws<UsageChunkException>(() => Decode(huge)).Message);

        // A status code beyond int: out of range, reported as damage.
        var writer = new ChunkWriter(64);
        writer.WriteByte(UsageChunkCodec.FormatVersion);
        writer.WriteVarint(0);
        writer.WriteVarint(1);
        writer.WriteSigned(Hour.Ticks);
        writer.WriteSigned(1);
        writer.WriteVarint(1u << 15);
        writer.WriteGuid(Guid.NewGuid());
        writer.WriteSigned(long.MaxValue);
        Assert.IsType<OverflowException>(Assert.Throws<UsageChunkException>(() => Decode(writer.Written.ToArray())).InnerException);
    }

    [Fact]
    public void Rate_limits_skip_names_no_member_has_and_convert_numbers_between_number_types()
    {
        // One event whose rate limits hold an unknown name (skipped), a double member stored as a long, a long member
        // stored as a double (converted as Convert does: 2.5 rounds to even) and a string member stored as a number
        // (skipped).
        var strings = new ChunkStringTable();
        var body = new ChunkWriter(64);
        body.WriteVarint(1);
        body.WriteSigned(Hour.Ticks);
        body.WriteSigned(1);
        body.WriteVarint(1u << 27);
        body.WriteGuid(Guid.NewGuid());
        body.WriteVarint(5);
        body.WriteVarint(strings.Index("ZZ"));
        body.WriteByte(1);
        body.WriteVarint(strings.Index("gone"));
        body.WriteVarint(strings.Index("5u"));
        body.WriteByte(2);
        body.WriteSigned(3);
        body.WriteVarint(strings.Index("ql"));
        body.WriteByte(4);
        body.WriteDouble(2.5);
        body.WriteVarint(strings.Index("tl"));
        body.WriteByte(2);
        body.WriteSigned(7);
        body.WriteVarint(strings.Index("us"));
        body.WriteByte(2);
        body.WriteSigned(1);
        var chunk = new ChunkWriter(128);
        chunk.WriteByte(UsageChunkCodec.FormatVersion);
        strings.WriteTo(ref chunk);
        chunk.WriteBytes(body.Written);

        var limits = Decode(chunk.Written.ToArray()).Single().Event.RateLimits!;

        Assert.Equal(3.0, limits.Unified5hUtilization);
        Assert.Equal(2, limits.RequestsLimit);
        Assert.Equal(7, limits.TokensLimit);
        Assert.Null(limits.UnifiedStatus);
    }

    [Fact]
    public void The_ids_are_read_without_the_rest_from_chunks_holding_every_field_and_every_rate_limit_type()
    {
        var events = new List<StoredEvent>
        {
            new(7, UsageEventStorageTests.FullEvent()),
            new(8, new UsageEvent { Timestamp = Hour, RequestId = "plain" }),
            new(3, UsageEventStorageTests.FullEvent()),
        };
        events[2].Event.RequestModel = events[2].Event.Model;
        var bytes = UsageChunkCodec.Encode(events);
        var ids = new List<Guid> { Guid.Empty };
        UsageChunkCodec.ReadIds(bytes, ids);
        Assert.Equal([Guid.Empty, .. events.Select(e => e.Event.Id)], ids);

        // Rate limits of each stored type, under a name no member has (skipped by Decode, stepped over by ReadIds).
        var id = Guid.NewGuid();
        var strings = new ChunkStringTable();
        var body = new ChunkWriter(128);
        body.WriteVarint(1);
        body.WriteSigned(Hour.Ticks);
        body.WriteSigned(1);
        body.WriteVarint((1u << 27) | (1u << 10));
        body.WriteGuid(id);
        body.WriteSigned(17);
        body.WriteVarint(10);
        body.WriteVarint(strings.Index("ZZ"));
        body.WriteByte(1);
        body.WriteVarint(strings.Index("text"));
        foreach (var tag in new byte[] { 2, 3, 7, 9, 10 })
        {
            body.WriteVarint(strings.Index("ZZ"));
            body.WriteByte(tag);
            body.WriteSigned(123_456_789);
        }

        body.WriteVarint(strings.Index("ZZ"));
        body.WriteByte(4);
        body.WriteDouble(0.5);
        body.WriteVarint(strings.Index("ZZ"));
        body.WriteByte(5);
        body.WriteByte(1);
        body.WriteVarint(strings.Index("ZZ"));
        body.WriteByte(6);
        body.WriteDecimal(-12.345m);
        body.WriteVarint(strings.Index("ZZ"));
        body.WriteByte(8);
        body.WriteSigned(Hour.Ticks);
        body.WriteSigned(-420);
        var chunk = new ChunkWriter(256);
        chunk.WriteByte(UsageChunkCodec.FormatVersion);
        strings.WriteTo(ref chunk);
        chunk.WriteBytes(body.Written);
        var every = chunk.Written.ToArray();

        Assert.Equal(17, Decode(every).Single().Event.OutputTokens);
        var read = new List<Guid>();
        UsageChunkCodec.ReadIds(every, read);
        Assert.Equal([id], read);
    }

    [Fact]
    public void Reading_ids_reports_every_truncation_and_unknown_fields_as_damage_and_adds_nothing()
    {
        var bytes = UsageChunkCodec.Encode([new(1, UsageEventStorageTests.FullEvent()), new(2, new UsageEvent { Timestamp = Hour, Model = "m" })]);
        for (var length = 0; length < bytes.Length; length++)
        {
            var into = new List<Guid> { Guid.Empty };
            Assert.Throws<UsageChunkException>(() => UsageChunkCodec.ReadIds(bytes.AsSpan(0, length), into));
            Assert.Equal([Guid.Empty], into);
        }

        var longer = bytes.Append((byte)0).ToArray();
        Assert.Contains("after its last event", Assert.Throws<UsageChunkException>(() => UsageChunkCodec.ReadIds(longer, [])).Message);
        var field = new byte[] { 1, 0, 1, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20 }.Concat(new byte[16]).ToArray();
        Assert.Contains("Unknown usage chunk fields", Assert.Throws<UsageChunkException>(() => UsageChunkCodec.ReadIds(field, [])).Message);
    }

    private static List<StoredEvent> Decode(byte[] bytes)
    {
        var events = new List<StoredEvent>();
        UsageChunkCodec.Decode(bytes, events);
        return events;
    }
}
