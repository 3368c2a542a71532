// Maps RateLimitSnapshot to a sub-document by reflection, so members added to it later are stored without a change here.
using System.Globalization;
using System.Reflection;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Stores every public read/write property of <see cref="RateLimitSnapshot"/> under its own name, leaving nulls out.
/// Reading is lenient: unknown names (a removed member) and values of an unexpected type are skipped.
/// </summary>
internal static class RateLimitDocument
{
    private static readonly PropertyInfo[] Properties = typeof(RateLimitSnapshot)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && IsSupported(p.PropertyType))
        .ToArray();

    private static readonly Dictionary<string, PropertyInfo> ByName = Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The property types this mapping stores exactly.</summary>
    public static bool IsSupported(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(long) || t == typeof(int) || t == typeof(double) || t == typeof(bool)
            || t == typeof(decimal) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(TimeSpan);
    }

    public static BsonDocument ToDocument(RateLimitSnapshot snapshot)
    {
        var doc = new BsonDocument();
        foreach (var property in Properties)
        {
            var value = property.GetValue(snapshot);
            if (value is not null)
            {
                doc[property.Name] = ToBson(value);
            }
        }

        return doc;
    }

    public static RateLimitSnapshot FromDocument(BsonDocument doc)
    {
        var snapshot = new RateLimitSnapshot();
        foreach (var (name, value) in doc)
        {
            if (ByName.TryGetValue(name, out var property) && TryFromBson(value, property.PropertyType, out var converted))
            {
                property.SetValue(snapshot, converted);
            }
        }

        return snapshot;
    }

    private static BsonValue ToBson(object value) => value switch
    {
        string s => s,
        long l => l,
        int i => i,
        double d => d,
        bool b => b,
        decimal m => m,
        // UTC instants (the usual case: reset times from epoch seconds) as ticks; other offsets exactly as text.
        DateTimeOffset o when o.Offset == TimeSpan.Zero => o.UtcTicks,
        DateTimeOffset o => o.ToString("O", CultureInfo.InvariantCulture),
        DateTime t => t.Kind == DateTimeKind.Local ? t.ToUniversalTime().Ticks : t.Ticks,
        TimeSpan span => span.Ticks,
        _ => BsonValue.Null,
    };

    private static bool TryFromBson(BsonValue value, Type propertyType, out object? converted)
    {
        converted = null;
        var t = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        if (t == typeof(string))
        {
            converted = value.IsString ? value.AsString : null;
        }
        else if (t == typeof(long) && value.IsNumber)
        {
            converted = value.AsInt64;
        }
        else if (t == typeof(int) && value.IsNumber)
        {
            converted = value.AsInt32;
        }
        else if (t == typeof(double) && value.IsNumber)
        {
            converted = value.AsDouble;
        }
        else if (t == typeof(decimal) && value.IsNumber)
        {
            converted = value.AsDecimal;
        }
        else if (t == typeof(bool) && value.IsBoolean)
        {
            converted = value.AsBoolean;
        }
        else if (t == typeof(DateTimeOffset))
        {
            if (value.IsInt64)
            {
                converted = new DateTimeOffset(value.AsInt64, TimeSpan.Zero);
            }
            else if (value.IsString && DateTimeOffset.TryParseExact(value.AsString, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                converted = parsed;
            }
        }
        else if (t == typeof(DateTime) && value.IsInt64)
        {
            converted = new DateTime(value.AsInt64, DateTimeKind.Utc);
        }
        else if (t == typeof(TimeSpan) && value.IsInt64)
        {
            converted = new TimeSpan(value.AsInt64);
        }

        return converted is not null;
    }
}
