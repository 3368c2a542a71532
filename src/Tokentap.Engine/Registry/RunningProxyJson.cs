// The registry entry's JSON, written and read by hand: a start writes its entry without serializer metadata.
using System.Buffers;
using System.Text.Json;

namespace Tokentap.Engine.Registry;

/// <summary>
/// <c>{"ProcessId":1234,"Port":8080,"Session":"...","StartedUtc":"2026-12-06T11:04:41.1234567Z"}</c>, the shape the
/// serializer gave <see cref="RunningProxy"/>. Neither the reflection-based serializer (about 150 methods compiled on
/// the thread pool while a start was still setting the session's variables) nor a generated context (about 60: its
/// property metadata is generic over each property's type) is needed for four values.
/// </summary>
internal static class RunningProxyJson
{
    public static string Write(RunningProxy proxy)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("ProcessId", proxy.ProcessId);
            writer.WriteNumber("Port", proxy.Port);
            writer.WriteString("Session", proxy.Session);
            writer.WriteString("StartedUtc", proxy.StartedUtc);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The entry in <paramref name="json"/>; null when it is not one (no process id or port, wrong types).</summary>
    /// <exception cref="JsonException">Not JSON at all.</exception>
    public static RunningProxy? Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("ProcessId", out var processId) || processId.ValueKind != JsonValueKind.Number || !processId.TryGetInt32(out var id)
            || !root.TryGetProperty("Port", out var port) || port.ValueKind != JsonValueKind.Number || !port.TryGetInt32(out var portNumber))
        {
            return null;
        }

        var session = root.TryGetProperty("Session", out var sessionValue) && sessionValue.ValueKind == JsonValueKind.String ? sessionValue.GetString() : null;
        var started = root.TryGetProperty("StartedUtc", out var startedValue) && startedValue.ValueKind == JsonValueKind.String && startedValue.TryGetDateTime(out var at)
            ? at.ToUniversalTime()
            : DateTime.MinValue;
        return new RunningProxy(id, portNumber, session, started);
    }
}
