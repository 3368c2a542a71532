// One fixture exchange and the event it must produce, field by field.
namespace Tokentap.Engine.Tests.Providers;

internal sealed record FixtureCase(string Name, string File, string Host, string PathAndQuery, string RequestBody, int Status, Expectation Expected)
{
    public override string ToString() => Name;
}

internal sealed record Expectation(
    string Provider,
    string Endpoint,
    string? Model,
    string? RequestModel,
    long Input,
    long CacheRead,
    long CacheWrite,
    long CacheWrite1h,
    long Output,
    long Reasoning,
    decimal? Cost,
    bool Streaming,
    string? MessageId,
    string? StopReason,
    string? Error = null);
