// The event a fixture must produce, field by field.
namespace Tokentap.Engine.Tests.Providers;

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
