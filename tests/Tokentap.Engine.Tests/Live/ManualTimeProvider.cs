// A clock the live-view tests set and advance by hand, in a fixed time zone.
namespace Tokentap.Engine.Tests.Live;

/// <summary>A TimeProvider whose now only moves when the test says so.</summary>
internal sealed class ManualTimeProvider(DateTime utcNow, TimeZoneInfo zone) : TimeProvider
{
    private DateTimeOffset _now = new(utcNow, TimeSpan.Zero);

    public override TimeZoneInfo LocalTimeZone => zone;

    public override DateTimeOffset GetUtcNow() => _now;

    public DateTime UtcNow => _now.UtcDateTime;

    public void Advance(TimeSpan by) => _now += by;
}
