// The registry entry's JSON code, generated at build time: a start writes its entry without reflection or emitted code.
using System.Text.Json.Serialization;

namespace Tokentap.Engine.Registry;

/// <summary>
/// Serializer metadata for <see cref="RunningProxy"/>. The reflection-based serializer built converters for every
/// primitive type and emitted accessors on first use, about 150 methods compiled on the thread pool while Start-Tokentap
/// was still setting the session's variables on the other core.
/// </summary>
[JsonSerializable(typeof(RunningProxy))]
internal sealed partial class RegistryJson : JsonSerializerContext;
