// Maps RateLimitSnapshot to a sub-document by reflection, so members added to it later are stored without a change here.
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using LiteDB;

namespace Tokentap.Engine.Usage;

/// <summary>
/// Stores every public read/write property of <see cref="RateLimitSnapshot"/>, leaving nulls out. The members known
/// today are stored under fixed two-letter field names (these sub-documents are in most Anthropic events, so long names
/// would cost ~150 bytes per event); members added later are stored under their own property name. Reading is lenient:
/// unknown names (a removed member) and values of an unexpected type are skipped.
/// </summary>
internal static class RateLimitDocument
{
    // Part of the file format: never change or reuse a code. New members need no entry (they use their own name).
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["UnifiedStatus"] = "us",
        ["UnifiedReset"] = "ur",
        ["UnifiedRepresentativeClaim"] = "uc",
        ["Unified5hUtilization"] = "5u",
        ["Unified5hReset"] = "5r",
        ["Unified5hStatus"] = "5s",
        ["Unified7dUtilization"] = "7u",
        ["Unified7dReset"] = "7r",
        ["Unified7dStatus"] = "7s",
        ["RequestsLimit"] = "ql",
        ["RequestsRemaining"] = "qm",
        ["RequestsReset"] = "qr",
        ["TokensLimit"] = "tl",
        ["TokensRemaining"] = "tm",
        ["TokensReset"] = "tr",
        ["InputTokensLimit"] = "il",
        ["InputTokensRemaining"] = "im",
        ["InputTokensReset"] = "ir",
        ["OutputTokensLimit"] = "ol",
        ["OutputTokensRemaining"] = "om",
        ["OutputTokensReset"] = "or",
    };

    private static readonly PropertyInfo[] Properties = typeof(RateLimitSnapshot)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && IsSupported(p.PropertyType))
        .ToArray();

    private static readonly (PropertyInfo Property, string Field)[] Fields =
        Properties.Select(p => (p, ShortNames.GetValueOrDefault(p.Name, p.Name))).ToArray();

    // Compiled setters: reading happens for most events of a query, and PropertyInfo.SetValue is slow.
    private static readonly Dictionary<string, (Type Type, Action<RateLimitSnapshot, object> Set)> ByField =
        Fields.ToDictionary(f => f.Field, f => (f.Property.PropertyType, CompileSetter(f.Property)), StringComparer.Ordinal);

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
        foreach (var (property, field) in Fields)
        {
            var value = property.GetValue(snapshot);
            if (value is not null)
            {
                doc[field] = ToBson(value);
            }
        }

        return doc;
    }

    public static RateLimitSnapshot FromDocument(BsonDocument doc)
    {
        var snapshot = new RateLimitSnapshot();
        foreach (var (name, value) in doc)
        {
            if (ByField.TryGetValue(name, out var property) && TryFromBson(value, property.Type, out var converted))
            {
                property.Set(snapshot, converted!);
            }
        }

        return snapshot;
    }

    private static Action<RateLimitSnapshot, object> CompileSetter(PropertyInfo property)
    {
        var target = Expression.Parameter(typeof(RateLimitSnapshot));
        var value = Expression.Parameter(typeof(object));
        var assign = Expression.Assign(Expression.Property(target, property), Expression.Convert(value, property.PropertyType));
        return Expression.Lambda<Action<RateLimitSnapshot, object>>(assign, target, value).Compile();
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
