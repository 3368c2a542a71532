// The model a JSON request body names, read only as far as the top-level "model" member (usually the first).
using System.Text.Json;
using Tokentap.Engine.Providers;

namespace Tokentap.Engine.Budgets;

/// <summary>
/// The budget check needs only the model, so it stops at the top-level "model" member instead of walking the whole
/// body (a coding agent's request is tens of kilobytes of messages, and its model usually comes first).
/// </summary>
internal static class RequestModel
{
    /// <summary>The top-level "model" string, or null when the body is not a JSON object or names none.</summary>
    public static string? Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (JsonFields.NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    return JsonFields.ReadString(ref reader);
                }

                JsonFields.Skip(ref reader);
            }

            return null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
