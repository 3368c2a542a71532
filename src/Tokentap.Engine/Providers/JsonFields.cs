// Reading helpers for Utf8JsonReader walks over complete payloads: read a property's value or skip it.
using System.Text.Json;

namespace Tokentap.Engine.Providers;

/// <summary>Each helper is called with the reader on a property name and leaves it on the end of that property's value.</summary>
internal static class JsonFields
{
    public static long? ReadInt64(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out var value) ? value : (long)reader.GetDouble();
        }

        reader.Skip();
        return null;
    }

    public static decimal? ReadDecimal(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDecimal(out var value) ? value : (decimal)reader.GetDouble();
        }

        reader.Skip();
        return null;
    }

    public static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>Reads a string only when <paramref name="current"/> is still empty (avoids a string per chunk).</summary>
    public static string? ReadStringOnce(ref Utf8JsonReader reader, string? current)
    {
        if (!string.IsNullOrEmpty(current))
        {
            Skip(ref reader);
            return current;
        }

        var value = ReadString(ref reader);
        return string.IsNullOrEmpty(value) ? current : value;
    }

    public static bool ReadTrue(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType is JsonTokenType.True)
        {
            return true;
        }

        reader.Skip();
        return false;
    }

    /// <summary>Moves onto the value; true when it is an object (the reader is then on its start), else skips it.</summary>
    public static bool EnterObject(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        reader.Skip();
        return false;
    }

    /// <summary>Moves onto the value; true when it is an array, else skips it.</summary>
    public static bool EnterArray(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return true;
        }

        reader.Skip();
        return false;
    }

    /// <summary>True while the reader steps to the next property of the current object.</summary>
    public static bool NextProperty(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    /// <summary>True while the reader steps to the next element of the current array (on its first token).</summary>
    public static bool NextElement(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType != JsonTokenType.EndArray;

    public static void Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>Appends a string value to the collected text (skips other values).</summary>
    public static void AppendText(ref Utf8JsonReader reader, StreamedText text)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            text.AppendString(ref reader);
        }
        else
        {
            reader.Skip();
        }
    }
}
