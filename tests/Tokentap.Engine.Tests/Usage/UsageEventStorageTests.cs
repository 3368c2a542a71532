// Round trips through the store: every field, exact UTC ticks, rate limits, and the unique key forms.
using System.Reflection;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class UsageEventStorageTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_rate_limit_property_has_a_stored_type()
    {
        // A member added to RateLimitSnapshot with a type the mapping cannot store would silently not be saved.
        foreach (var property in typeof(RateLimitSnapshot).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.True(RateLimitDocument.IsSupported(property.PropertyType), property.Name + " has an unsupported type");
        }
    }

    [Fact]
    public void A_fully_populated_event_round_trips_exactly()
    {
        var original = FullEvent();
        var stored = WriteAndRead(original);
        AssertSameEvent(original, stored);
        Assert.Equal(DateTimeKind.Utc, stored.Timestamp.Kind);
        Assert.Equal(original.Timestamp.Ticks, stored.Timestamp.Ticks);
    }

    [Fact]
    public void Rate_limit_instants_keep_their_offset()
    {
        var original = FullEvent();
        original.RateLimits!.UnifiedReset = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7)).AddTicks(12345);
        original.RateLimits.Unified5hReset = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1);
        var stored = WriteAndRead(original);
        Assert.Equal(original.RateLimits.UnifiedReset, stored.RateLimits!.UnifiedReset);
        Assert.Equal(TimeSpan.FromHours(-7), stored.RateLimits.UnifiedReset!.Value.Offset);
        Assert.Equal(original.RateLimits.Unified5hReset, stored.RateLimits.Unified5hReset);
    }

    [Fact]
    public void A_local_timestamp_is_stored_as_utc()
    {
        var utc = new DateTime(2026, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(4321);
        var stored = WriteAndRead(new UsageEvent { Timestamp = utc.ToLocalTime(), RequestId = "local" });
        Assert.Equal(utc, stored.Timestamp);
        Assert.Equal(DateTimeKind.Utc, stored.Timestamp.Kind);
    }

    [Fact]
    public void Minimal_events_keep_nulls_and_empty_strings_apart()
    {
        var withEmpty = new UsageEvent { Model = "", App = "", Session = "", MessageId = "m1", Timestamp = DateTime.UnixEpoch };
        var stored = WriteAndRead(withEmpty);
        Assert.Equal("", stored.Model);
        Assert.Equal("", stored.App);
        Assert.Null(stored.Project);
        Assert.Null(stored.Cost);
        Assert.Null(stored.RateLimits);
        Assert.Null(stored.RequestId);
        Assert.Equal("m1", stored.MessageId);
        Assert.Equal(withEmpty.Id, stored.Id);
        Assert.Equal("id:" + withEmpty.Id.ToString("N"), stored.UniqueKey);
    }

    [Fact]
    public void An_event_keyed_by_its_id_round_trips()
    {
        var original = new UsageEvent { Timestamp = DateTime.UnixEpoch, Provider = "openai" };
        var stored = WriteAndRead(original);
        Assert.Equal(original.Id, stored.Id);
        Assert.Equal(original.UniqueKey, stored.UniqueKey);
        Assert.Null(stored.RequestId);
        Assert.Null(stored.MessageId);
    }

    [Fact]
    public void A_very_long_request_id_is_stored_and_a_retry_still_deduplicated()
    {
        var longId = new string('x', 5000);
        var first = new UsageEvent { Timestamp = DateTime.UnixEpoch, RequestId = longId, MessageId = "m" };
        Assert.Equal(1, _temp.Store.Write([first]).Inserted);
        Assert.Equal(1, _temp.Store.Write([new UsageEvent(first.Id) { Timestamp = DateTime.UnixEpoch, RequestId = longId }]).Duplicates);
        var stored = _temp.Store.Query(UsageFilter.All).Single();
        Assert.Equal(longId, stored.RequestId);
        Assert.Equal("m", stored.MessageId);
        Assert.Equal(first.Id, stored.Id);
        Assert.Equal(1, _temp.Store.Remove([first]));
    }

    internal static void AssertSameEvent(UsageEvent expected, UsageEvent actual)
    {
        foreach (var property in typeof(UsageEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == nameof(UsageEvent.RateLimits))
            {
                continue;
            }

            Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)), $"{property.Name}: expected {property.GetValue(expected)}, got {property.GetValue(actual)}");
        }

        if (expected.RateLimits is null)
        {
            Assert.Null(actual.RateLimits);
            return;
        }

        Assert.NotNull(actual.RateLimits);
        foreach (var property in typeof(RateLimitSnapshot).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.True(Equals(property.GetValue(expected.RateLimits), property.GetValue(actual.RateLimits)), $"RateLimits.{property.Name}");
        }
    }

    internal static UsageEvent FullEvent()
    {
        var limits = new RateLimitSnapshot();
        var n = 1;
        foreach (var property in typeof(RateLimitSnapshot).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = type == typeof(string) ? "value" + n
                : type == typeof(long) ? 5_000_000_000L + n
                : type == typeof(int) ? n
                : type == typeof(double) ? 0.125 * n
                : type == typeof(decimal) ? 0.001m * n
                : type == typeof(bool) ? true
                : type == typeof(DateTimeOffset) ? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(n * 1_234_567L)
                : type == typeof(DateTime) ? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(n)
                : TimeSpan.FromTicks(n);
            property.SetValue(limits, value);
            n++;
        }

        return new UsageEvent
        {
            Timestamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(6789),
            Provider = "anthropic",
            Host = "api.anthropic.com",
            Endpoint = "messages",
            Model = "claude-opus-4-1-20250805",
            RequestModel = "opus",
            InputTokens = 3_000_000_000L,
            CacheReadTokens = 2,
            CacheWriteTokens = 3,
            CacheWrite1hTokens = 1,
            OutputTokens = 4,
            ReasoningTokens = 5,
            Cost = 0.000123456789012345m,
            Estimated = true,
            Streaming = true,
            Blocked = true,
            StatusCode = 529,
            Error = "overloaded",
            DurationMs = 1234.5678,
            TimeToFirstByteMs = 12.25,
            App = "claude-code",
            AppVersion = "2.0.14",
            Session = "session-1",
            ClientSessionId = "client-session",
            Project = "/home/user/project",
            ClientProcessId = 4_194_303,
            ClientProcessName = "claude",
            RequestFingerprint = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            RequestId = "req_011CTestRequest",
            MessageId = "msg_01Test",
            StopReason = "end_turn",
            RateLimits = limits,
        };
    }

    private UsageEvent WriteAndRead(UsageEvent usageEvent)
    {
        Assert.Equal(1, _temp.Store.Write([usageEvent]).Inserted);
        return _temp.Store.Query(UsageFilter.All).Single();
    }
}
