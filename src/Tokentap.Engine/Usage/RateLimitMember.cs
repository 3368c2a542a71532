// One RateLimitSnapshot member with a typed setter, used when reading rate limits out of usage chunks.
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace Tokentap.Engine.Usage;

/// <summary>
/// One member of <see cref="RateLimitSnapshot"/> with a setter typed by its value type (no boxing when reading
/// chunks). Numbers convert between number types when they fit; other mismatches are skipped.
/// </summary>
internal sealed class RateLimitMember
{
    public static readonly RateLimitMember Unknown = new(null);

    private readonly Delegate? _set;

    private RateLimitMember(Delegate? set) => _set = set;

    public static RateLimitMember For(PropertyInfo property)
    {
        var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var target = Expression.Parameter(typeof(RateLimitSnapshot));
        var value = Expression.Parameter(valueType);
        var assign = Expression.Assign(Expression.Property(target, property), Expression.Convert(value, property.PropertyType));
        var delegateType = typeof(Action<,>).MakeGenericType(typeof(RateLimitSnapshot), valueType);
        return new RateLimitMember(Expression.Lambda(delegateType, assign, target, value).Compile());
    }

    public void Set<T>(RateLimitSnapshot snapshot, T value)
    {
        if (_set is Action<RateLimitSnapshot, T> set)
        {
            set(snapshot, value);
        }
    }

    public void SetNumber<T>(RateLimitSnapshot snapshot, T value)
        where T : IConvertible
    {
        switch (_set)
        {
            case Action<RateLimitSnapshot, T> same: same(snapshot, value); break;
            case Action<RateLimitSnapshot, long> toLong: Convert(value, typeof(long), v => toLong(snapshot, (long)v)); break;
            case Action<RateLimitSnapshot, int> toInt: Convert(value, typeof(int), v => toInt(snapshot, (int)v)); break;
            case Action<RateLimitSnapshot, double> toDouble: Convert(value, typeof(double), v => toDouble(snapshot, (double)v)); break;
            case Action<RateLimitSnapshot, decimal> toDecimal: Convert(value, typeof(decimal), v => toDecimal(snapshot, (decimal)v)); break;
            default: break;
        }
    }

    private static void Convert<T>(T value, Type type, Action<object> set)
        where T : IConvertible
    {
        try
        {
            set(value.ToType(type, CultureInfo.InvariantCulture));
        }
        catch (OverflowException)
        {
            // A number too large for the member's type (a type change across versions): skipped like other misfits.
        }
    }
}
